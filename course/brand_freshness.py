"""Keep the cached course branding (`BrandSettings.for_site`) true to the database: saving or
deleting the setting, or its logo, drops the cached copy of the sites concerned."""

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model

from course.models.branding import BrandSettings, forget_brands


def brand_changed(sender, instance, **kwargs):
    forget_brands([instance.site_id])


def logo_saved(sender, instance, **kwargs):
    forget_brands(BrandSettings.objects.filter(logo_id=instance.pk).values_list("site_id", flat=True))


def logo_deleted(sender, instance, **kwargs):
    # The setting's logo is already set to NULL by now (SET_NULL, a plain UPDATE): drop them all.
    forget_brands(BrandSettings.objects.values_list("site_id", flat=True))


def connect():
    post_save.connect(brand_changed, sender=BrandSettings, dispatch_uid="course.brand.saved")
    post_delete.connect(brand_changed, sender=BrandSettings, dispatch_uid="course.brand.deleted")
    post_save.connect(logo_saved, sender=get_image_model(), dispatch_uid="course.brand.logo_saved")
    post_delete.connect(logo_deleted, sender=get_image_model(), dispatch_uid="course.brand.logo_deleted")
