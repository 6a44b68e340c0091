"""Write a noisy copy of a folder of label maps, with a report of the noise made."""
import json
import os
import os.path as osp
from typing import List, Optional, Sequence

from mmnoisy.datasets.label_io import read_label, write_label
from mmnoisy.utils.constants import IGNORE_INDEX
from mmnoisy.utils.output_dir import publish_output_dir, stage_output_dir
from .label_noise import NoiseReport, NoiseSpec, corrupt_label, image_rng

REPORT_NAME = 'noise_report.json'
TOOL = 'synth_noise'  # the name in the output folder's marker file


def list_label_ids(label_dir: str, suffix: str = '.png',
                   split: Optional[str] = None) -> List[str]:
    """Ids (paths relative to ``label_dir`` without ``suffix``) from a split file or the
    folder itself, sorted so that image ``i`` gets the same noise on every run."""
    if split is not None:
        with open(split) as f:
            return sorted(line.strip() for line in f if line.strip())
    ids = []
    for root, _, files in os.walk(label_dir):
        for name in files:
            if name.endswith(suffix):
                rel = osp.relpath(osp.join(root, name), label_dir)
                ids.append(rel[:-len(suffix)])
    return sorted(ids)


def synthesize_noisy_labels(label_dir: str,
                            out_dir: str,
                            spec: NoiseSpec,
                            num_classes: int,
                            seed: int = 0,
                            suffix: str = '.png',
                            split: Optional[str] = None,
                            class_names: Optional[Sequence[str]] = None,
                            ignore_index: int = IGNORE_INDEX) -> dict:
    """Corrupt every label of ``label_dir`` into ``out_dir`` and write ``noise_report.json``.

    Args:
        label_dir (str): Folder of clean label PNGs (VOC or Cityscapes train-id layout;
            sub-folders are kept).
        out_dir (str): Output folder: new, empty or an earlier output of this function;
            never ``label_dir``, inside it or around it. Written as ``<out_dir>.partial``
            and renamed when complete.
        spec (NoiseSpec): The noise (see :data:`TIERS`).
        num_classes (int): Number of classes including the background (class 0).
        seed (int): Noise seed; image ``i`` of the sorted ids uses ``(seed, i)``.
        suffix (str): Label file suffix. Default: '.png'.
        split (str, optional): File of ids to corrupt (default: every label in the folder).
        class_names (Sequence[str], optional): Names for the report.
        ignore_index (int): Ignored label. Default: 255.

    Returns:
        dict: The report (also written to ``out_dir/noise_report.json``).
    """
    if not osp.isdir(label_dir):
        raise FileNotFoundError(f'label folder {label_dir} does not exist')
    ids = list_label_ids(label_dir, suffix, split)
    if not ids:
        raise FileNotFoundError(f'no *{suffix} labels found in {label_dir}')
    staging = stage_output_dir(out_dir, [label_dir], TOOL)
    report = NoiseReport(num_classes, ignore_index)
    for index, sample_id in enumerate(ids):
        path = osp.join(label_dir, sample_id + suffix)
        clean, palette = read_label(path)
        noisy, counts = corrupt_label(clean, spec, image_rng(seed, index), num_classes,
                                      ignore_index)
        report.update(clean, noisy, counts)
        write_label(osp.join(staging, sample_id + suffix), noisy, palette)
    result = report.to_dict(tuple(class_names) if class_names else None, spec, seed)
    with open(osp.join(staging, REPORT_NAME), 'w') as f:
        json.dump(result, f, indent=2)
    publish_output_dir(staging, out_dir)
    return result
