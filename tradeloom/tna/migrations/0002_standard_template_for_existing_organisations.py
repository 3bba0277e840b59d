"""The standard T&A template for organisations made before T&A existed (new ones get it through
``OrganizationCreated``, ``tna.subscribers.give_standard_template``). Frozen here as it was when T&A came."""

from django.db import migrations

# code, name, offset from the ETD in days, depends on, gate, production process (models.STANDARD_MILESTONES)
STANDARD_MILESTONES = [
    ("yarn_booked", "Yarn booked", -60, (), "", ""),
    ("lab_dip_approval", "Lab dip approval", -55, (), "lab_dip", ""),
    ("yarn_in_house", "Yarn in-house", -45, ("yarn_booked",), "", ""),
    ("knitting", "Knitting", -35, ("yarn_in_house",), "", "knitted"),
    ("strike_off", "Strike-off approval", -35, ("lab_dip_approval",), "strike_off", ""),
    ("dyeing", "Dyeing", -28, ("knitting", "lab_dip_approval"), "", "dyed"),
    ("pp_sample_sent", "PP sample sent", -30, ("lab_dip_approval",), "", ""),
    ("pp_sample_approved", "PP sample approved", -24, ("pp_sample_sent",), "pp_sample", ""),
    ("finishing", "Finishing", -21, ("dyeing",), "", "finished"),
    ("cutting", "Cutting", -18, ("finishing", "pp_sample_approved"), "", ""),
    ("sewing", "Sewing", -12, ("cutting",), "", ""),
    ("packing", "Packing", -6, ("sewing",), "", ""),
    ("final_inspection", "Final inspection", -3, ("packing",), "", ""),
    ("ex_factory", "Ex-factory", 0, ("final_inspection",), "", ""),
]
NAME = "Standard"


def give_standard_template(apps, schema_editor):
    """Each organisation without a template of that name gets it (the default for any order when it has none)."""
    db = schema_editor.connection.alias
    Organization = apps.get_model("tenancy", "Organization")
    Gate = apps.get_model("approvals", "Gate")
    Template = apps.get_model("tna", "Template")
    TemplateMilestone = apps.get_model("tna", "TemplateMilestone")
    has_one = set(Template.objects.using(db).filter(name=NAME).values_list("organization_id", flat=True))
    for organization in Organization.objects.using(db).exclude(pk__in=has_one):
        gates = set(Gate.objects.using(db).filter(organization=organization).values_list("code", flat=True))
        has_default = (
            Template.objects.using(db)
            .filter(organization=organization, is_default=True, customer__isnull=True, product_type="")
            .exists()
        )
        template = Template.objects.using(db).create(
            organization=organization,
            name=NAME,
            is_default=not has_default,
            notes="The standard knit-and-dye programme, counted back from the ETD.",
        )
        TemplateMilestone.objects.using(db).bulk_create(
            TemplateMilestone(
                organization=organization,
                template=template,
                code=code,
                name=name,
                anchor="etd",
                offset_days=offset,
                depends_on=list(depends),
                gate_code=gate if gate in gates else "",
                production_process=process,
                position=i,
            )
            for i, (code, name, offset, depends, gate, process) in enumerate(STANDARD_MILESTONES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tna", "0001_initial"),
        ("approvals", "0006_waiting_since_index"),
    ]

    operations = [migrations.RunPython(give_standard_template, migrations.RunPython.noop)]
