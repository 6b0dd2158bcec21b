from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_verdict_corrections"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="reviewevent",
            index=models.Index(fields=["created_at"], name="review_event_created_idx"),
        ),
        migrations.AddIndex(
            model_name="reviewevent",
            index=models.Index(
                condition=models.Q(("to_state", "queued")),
                fields=["claim", "created_at"],
                name="review_event_queued_idx",
            ),
        ),
    ]
