"""The indicator taxonomy ActionDay starts with. Admins add more; none is removed here."""

from django.db import migrations

INDICATORS = [
    ("crypto-only-payment", "Crypto-only payment", "sexual", "Only cryptocurrency payments are accepted."),
    ("ai-generated-advert", "AI-generated advert", "", "Images or text of the advert appear machine-generated."),
    ("accompanied-by-handler", "Victim accompanied by handler", "sexual",
     "The person offered is always accompanied by a man who seems to act as handler."),
    ("minors-offered", "Minors offered", "child_sexual", "Children or newborns are offered for rent or sale."),
    ("organ-sale", "Organ sale", "organ_removal", "Organs are offered or sought for money."),
    ("recruitment-job-offer", "Recruitment job offer", "labour",
     "Job offer with unrealistic pay, no qualification asked, travel and housing arranged."),
    ("passport-withheld", "Passport withheld", "labour", "Identity documents are kept by the employer or agent."),
    ("debt-bondage", "Debt bondage", "", "Travel or housing debt to be worked off."),
    ("same-phone-many-adverts", "Same phone in many adverts", "sexual",
     "One phone number appears in adverts for several persons."),
    ("frequent-relocation", "Frequent relocation", "sexual", "Adverts move between cities at short intervals."),
    ("refugee-targeted", "Refugees targeted", "", "Offers aimed at refugees (transport, housing, work)."),
    ("language-mismatch", "Language mismatch", "", "Advert language does not match the person's stated origin."),
    ("csam", "Child sexual abuse material", "child_sexual", "Child sexual abuse material offered or shared."),
    ("forced-begging", "Forced begging", "begging", "Organised begging with signs of control."),
    ("forced-criminality", "Forced criminality", "forced_criminality", "Recruitment for theft, drugs or fraud."),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("findings", "Indicator")
    for code, name, exploitation_type, description in INDICATORS:
        Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "exploitation_type": exploitation_type, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("findings", "0002_evidence_immutable")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
