"""Evidence URLs, in two parts: getting files in and out safely (upload, serving) and everything
done with a material once it exists (gallery, detail, review, inspection package)."""

from safetymonth.evidence import urls_files, urls_review

app_name = "evidence"

urlpatterns = [*urls_files.urlpatterns, *urls_review.urlpatterns]
