"""Running the service's ONNX models on the CPU. A plain package, outside the Django project
package (whose import starts Celery), so that the training environment can load the models
as the service does."""
