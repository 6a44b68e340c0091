"""Image loading that names the file it cannot decode."""
from typing import Optional

from mmcv.transforms import LoadImageFromFile as MMCVLoadImageFromFile

from mmnoisy.registry import TRANSFORMS
from ..validation import InvalidDatasetError, unreadable


@TRANSFORMS.register_module()
class LoadImageFromFile(MMCVLoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` that raises :class:`InvalidDatasetError` naming the file
    when the image cannot be decoded (truncated or corrupt), instead of a bare assertion.

    Registered under mmcv's name in mmnoisy's scope, so every pipeline of a config with
    ``default_scope='mmnoisy'`` uses it. The dataset check at build time reads only image
    headers (fast on large datasets); a body that fails to decode surfaces here, on the first
    load. Args as :class:`mmcv.transforms.LoadImageFromFile`.
    """

    def transform(self, results: dict) -> Optional[dict]:
        try:
            return super().transform(results)
        except FileNotFoundError:
            raise
        except AssertionError as error:  # mmcv asserts that the decoder returned an image
            if 'failed to load image' not in str(error):
                raise
            raise InvalidDatasetError(unreadable(
                results['img_path'], 'image',
                ValueError('the decoder returned no image'))) from None
        except Exception as error:  # noqa: BLE001 - cv2 / PIL decoding errors
            raise InvalidDatasetError(unreadable(results['img_path'], 'image', error)) from None
