from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('findings', '0008_nationality_every_country'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='close_note',
            field=models.CharField(blank=True, help_text='Required when the reason is “other”.', max_length=300),
        ),
        migrations.AddField(
            model_name='case',
            name='close_reason',
            field=models.CharField(blank=True, choices=[('investigation_concluded', 'Investigation concluded'), ('no_indication', 'No indication of trafficking'), ('not_enough_information', 'Not enough information to follow up'), ('merged', 'Merged into another case'), ('handled_elsewhere', 'Followed up outside this operation'), ('other', 'Other (see the note)')], max_length=32),
        ),
    ]
