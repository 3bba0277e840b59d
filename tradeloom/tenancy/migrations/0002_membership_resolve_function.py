"""``tradeloom_membership_resolve(user, slug)``: the tenant of a request in one round trip.

It sets ``app.user_id`` (row-level security then shows the user their own memberships), finds the active membership
in the active organisation with that slug, sets ``app.organization_id`` to it (or clears it) and returns the
membership and organisation rows. An ordinary (invoker's rights) function: row-level security applies inside it
exactly as to the three statements it replaces.
"""

from django.db import migrations

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION tradeloom_membership_resolve(p_user uuid, p_slug text)
    RETURNS TABLE (membership tenancy_membership, organization tenancy_organization)
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    found_membership tenancy_membership;
    found_organization tenancy_organization;
BEGIN
    PERFORM set_config('app.user_id', COALESCE(p_user::text, ''), true);
    SELECT m.* INTO found_membership
    FROM tenancy_membership m
    JOIN tenancy_organization o ON o.id = m.organization_id
    WHERE m.user_id = p_user AND m.is_active AND o.slug = p_slug AND o.is_active;
    SELECT o.* INTO found_organization FROM tenancy_organization o WHERE o.id = found_membership.organization_id;
    PERFORM set_config('app.organization_id', COALESCE(found_organization.id::text, ''), true);
    IF found_membership.id IS NOT NULL THEN
        RETURN QUERY SELECT found_membership, found_organization;
    END IF;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0001_initial")]

    operations = [
        migrations.RunSQL(FUNCTION_SQL, "DROP FUNCTION IF EXISTS tradeloom_membership_resolve(uuid, text);"),
    ]
