
from .train_iou import TrainIoUAccumulator  # noqa: F401
