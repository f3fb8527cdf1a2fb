from django.db import migrations, models


def name_issued_certificates(apps, schema_editor):
    """Certificates issued before names were recorded get the holder's name as it is now
    (full name, else email), never the username."""
    Certificate = apps.get_model("course", "Certificate")
    for certificate in Certificate.objects.select_related("enrollment__user").filter(recipient_name=""):
        user = certificate.enrollment.user
        full_name = f"{getattr(user, 'first_name', '')} {getattr(user, 'last_name', '')}".strip()
        certificate.recipient_name = (full_name or getattr(user, "email", "") or "Student")[:301]
        certificate.save(update_fields=["recipient_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("course", "0005_brandsettings"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="recipient_name",
            field=models.CharField(blank=True, max_length=301),
        ),
        migrations.RunPython(name_issued_certificates, migrations.RunPython.noop),
    ]
