"""Values shared by every layer of mmnoisy, defined once."""

# The label of pixels without a class: unlabelled, ignored by the loss and the metrics. It is
# mmseg's default ``ignore_index`` and VOC's boundary label.
IGNORE_INDEX = 255
