from .correction_quality import CorrectionQuality  # noqa: F401
from .train_iou import TrainIoUAccumulator  # noqa: F401
