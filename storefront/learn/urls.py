from django.urls import path

from storefront.learn import views

app_name = "learn"

urlpatterns = [
    path("", views.course_list_page, name="courses"),
    path("mine/", views.my_learning, name="mine"),
    path("certificates/verify/", views.certificate_verify_page, name="certificate_verify"),
    path("<slug:slug>/", views.course_page, name="course"),
    path("<slug:slug>/enrol/", views.enrol, name="enrol"),
    path("<slug:slug>/lessons/<int:position>/", views.lesson_page, name="lesson"),
    path("<slug:slug>/lessons/<int:position>/complete/", views.lesson_done, name="lesson_complete"),
    path("<slug:slug>/certificate.pdf", views.certificate_pdf_download, name="certificate_pdf"),
]
