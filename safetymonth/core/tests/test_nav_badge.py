from django.urls import reverse

from safetymonth.reports.models import Notification


def test_unread_notifications_show_as_a_badge(client, cast):
    client.force_login(cast.section_staff)
    assert 'data-testid="unread-badge"' not in client.get(reverse("core:home")).content.decode()
    Notification.objects.create(user=cast.section_staff, text="请于6月28日前报送", url="/reports/")
    Notification.objects.create(user=cast.section_staff, text="已退回", url="/reports/")
    page = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="unread-badge">2<' in page
