"""Standard gates and rules for organisations made before approvals existed, and the default gates of their lines."""

from django.db import migrations

STANDARD_GATES = [
    ("lab_dip", "Lab dip", True),
    ("strike_off", "Strike-off", False),
    ("handloom", "Handloom", False),
    ("aop", "AOP", False),
    ("quality_test", "Quality test", False),
    ("quality", "Quality", True),
    ("bulk_swatch", "Bulk swatch", False),
    ("price", "Price", True),
    ("pp_sample", "PP sample", True),
]


def seed_existing_organisations(apps, schema_editor):
    """Organisations made before approvals existed get the standard gates and rules; their lines the defaults.

    Skips an organisation that has gates already (this once ran inside 0001, where on a database with organisations
    it met the new tables' deferred constraints: "pending trigger events"). Lines are read and given their gates
    in batches, so a large installation is not one statement."""
    db = schema_editor.connection.alias
    Organization = apps.get_model("tenancy", "Organization")
    Gate = apps.get_model("approvals", "Gate")
    GateRule = apps.get_model("approvals", "GateRule")
    LineGate = apps.get_model("approvals", "LineGate")
    Line = apps.get_model("sales", "Line")
    seeded = set(Gate.objects.using(db).values_list("organization_id", flat=True))
    for organization in Organization.objects.using(db).exclude(pk__in=seeded):
        gates = Gate.objects.using(db).bulk_create(
            Gate(organization=organization, code=code, name=name, is_standard=True, applies_by_default=default,
                 position=(i + 1) * 10)
            for i, (code, name, default) in enumerate(STANDARD_GATES)
        )
        by_code = {g.code: g for g in gates}
        GateRule.objects.using(db).bulk_create([
            GateRule(organization=organization, kind="submit", gate=by_code["pp_sample"], line_status="",
                     requires=["lab_dip", "strike_off"]),
            GateRule(organization=organization, kind="line_status", gate=None, line_status="bulk",
                     requires=["pp_sample"]),
        ])
        defaults = [g for g in gates if g.applies_by_default]
        lines = Line.objects.using(db).filter(organization=organization).values_list("pk", flat=True)
        batch = []
        for line_id in lines.iterator(chunk_size=2000):
            batch += [LineGate(organization=organization, line_id=line_id, gate=gate) for gate in defaults]
            if len(batch) >= 2000:
                LineGate.objects.using(db).bulk_create(batch)
                batch = []
        LineGate.objects.using(db).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0003_drop_indexes_composites_cover")]

    operations = [migrations.RunPython(seed_existing_organisations, migrations.RunPython.noop)]
