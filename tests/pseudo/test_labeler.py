import copy
import json
import os
import os.path as osp
from glob import glob

import numpy as np
import pytest
import torch
from PIL import Image

from mmnoisy.pseudo import PseudoLabeler


def test_labels_every_image_atomically_with_report(semi_setup, tmp_path):
    model, loader = semi_setup
    out = str(tmp_path / 'pseudo')
    summary = PseudoLabeler(rule='ratio', num_overlays=2).run(model, loader, out, ratio=0.5)
    ids = [line.strip() for line in open(loader.dataset.ann_file)]
    written = sorted(os.path.basename(p)[:-4] for p in glob(f'{out}/*.png'))
    assert written == sorted(ids) and len(ids) == 30
    assert not glob(f'{out}/*.tmp*')
    sample = loader.dataset[0]['data_samples']
    label = np.asarray(Image.open(f'{out}/{ids[0]}.png'))
    assert label.shape == sample.ori_shape  # original image size
    report = json.load(open(f'{out}/report.json'))
    assert report['num_images'] == 30 and report['ratio'] == 0.5
    assert 0 < report['coverage'] < 1  # thresholds leave some pixels ignored
    assert report['miou'] is not None  # ground truth exists in this dataset
    assert len(glob(f'{out}/overlays/*.png')) == 2
    assert '| class | threshold |' in open(f'{out}/report.md').read()
    assert summary['coverage'] == report['coverage']


def test_no_ratio_labels_every_pixel_and_bad_ratio_fails(semi_setup, tmp_path):
    model, loader = semi_setup
    out = str(tmp_path / 'all')
    summary = PseudoLabeler(rule='ratio', num_overlays=0).run(model, loader, out)
    assert summary['coverage'] == 1.0
    with pytest.raises(ValueError, match='ratio'):
        PseudoLabeler().run(model, loader, str(tmp_path / 'x'), ratio=1.5)
    with pytest.raises(ValueError, match='rule'):
        PseudoLabeler(rule='median')


def test_multi_scale_flip_logit_fusion(semi_setup):
    from mmnoisy.pseudo import predict_probabilities
    model, _ = semi_setup
    model.eval()
    x = torch.randn(1, 3, 40, 56)
    probs = predict_probabilities(model, x, (40, 56), scales=(0.5, 1.0, 1.5), flip=True,
                                  fusion='logits')
    assert probs.shape == (1, 9, 40, 56)
    torch.testing.assert_close(probs.sum(1), torch.ones(1, 40, 56))
    # a horizontally flipped image gets exactly the flipped probabilities
    flipped = predict_probabilities(model, x.flip(-1), (40, 56), scales=(0.5, 1.0, 1.5),
                                    flip=True, fusion='logits')
    torch.testing.assert_close(flipped, probs.flip(-1), atol=1e-5, rtol=1e-4)


def label_counts(out, num_classes):
    """Pixels per class and in all, counted in the written label PNGs."""
    counts, total = np.zeros(num_classes, np.int64), 0
    for path in glob(f'{out}/*.png'):
        label = np.asarray(Image.open(path))
        counts += np.bincount(label[label != 255].ravel(), minlength=num_classes)
        total += label.size
    return counts, total


def test_pass_is_logged_and_shown_to_a_visualizer(semi_setup, tmp_path, logged):
    from mmengine.visualization import Visualizer
    model, loader = semi_setup
    classes = loader.dataset.metainfo['classes']
    visualizer = Visualizer(name=f'vis_{tmp_path.name}', save_dir=str(tmp_path / 'vis'),
                            vis_backends=[dict(type='LocalVisBackend')])
    out = str(tmp_path / 'pseudo')
    summary = PseudoLabeler(num_overlays=2).run(model, loader, out, ratio=0.5,
                                                visualizer=visualizer, step=7)
    counts, total = label_counts(out, len(classes))
    report = json.load(open(f'{out}/report.json'))
    assert report == summary  # the files are as before: the report, nothing added

    [scalars] = [json.loads(line) for line in open(glob(f'{tmp_path}/vis/**/scalars.json',
                                                        recursive=True)[0])]
    assert scalars.pop('step') == 7
    assert scalars.pop('pseudo/coverage') == report['coverage'] == counts.sum() / total
    assert scalars.pop('pseudo/mIoU') == report['miou']
    assert scalars.pop('pseudo/precision') == report['pixel_accuracy']
    assert scalars == {f'pseudo/labelled_pixels/{c}': int(n) for c, n in zip(classes, counts)}
    images = sorted(glob(f'{tmp_path}/vis/**/vis_image/*.png', recursive=True))
    assert [osp.basename(p) for p in images] == ['pseudo_overlay_00_7.png',
                                                 'pseudo_overlay_01_7.png']
    for k, path in enumerate(images):  # the overlays written beside the labels
        np.testing.assert_array_equal(np.asarray(Image.open(path)),
                                      np.asarray(Image.open(f'{out}/overlays/{k:02d}.png')))

    messages = [message for _, message in logged]
    assert (f'pseudo labels: 30 images, {counts.sum()} of {total} pixels labelled '
            f'({100 * report["coverage"]:.2f}%); vs ground truth: mIoU '
            f'{100 * report["miou"]:.2f}%, precision '
            f'{100 * report["pixel_accuracy"]:.2f}%') in messages
    [per_class] = [m for m in messages if m.startswith('pseudo labels per class')]
    row = report['classes'][0]
    assert per_class.startswith(
        'pseudo labels per class, pixels (coverage/precision/IoU %): '
        f'{classes[0]} {counts[0]} ({100 * row["coverage"]:.2f}/'
        f'{100 * row["precision"]:.2f}/{100 * row["iou"]:.2f}), {classes[1]} {counts[1]} (')
    assert per_class.count('(') == len(classes) + 1


def test_a_pass_that_labels_no_pixel_warns(semi_setup, tmp_path, logged):
    model, loader = semi_setup
    uniform = copy.deepcopy(model)  # equal scores everywhere: no pixel beats its threshold
    for param in uniform.segmentor.decode_head.classifiers.parameters():
        param.data.zero_()
    labeler = PseudoLabeler(rule='max', stats_mode='exact', num_overlays=0)
    summary = labeler.run(uniform, loader, str(tmp_path / 'none'), ratio=0.5)
    assert summary['coverage'] == 0
    warnings = [message for level, message in logged if level == 'WARNING']
    assert 'pseudo labels: no pixel labelled in 30 images; every pixel is ignored, so ' \
           'training on them learns nothing from the unlabelled images' in warnings
    assert not any('no pixel labelled as' in m for m in warnings)  # one warning says it all


def test_a_confidence_threshold_keeps_the_argmax_where_it_is_reached(semi_setup, tmp_path):
    """`threshold` (FixMatch / UniMatch's rule): a pixel keeps its argmax iff its top
    probability reaches the threshold, whatever the class; the report records it."""
    from mmnoisy.pseudo import predict_probabilities
    model, loader = semi_setup
    model.eval()
    data = model.data_preprocessor(next(iter(loader)), False)
    inputs, sample = data['inputs'][0], data['data_samples'][0]
    probs = predict_probabilities(model, inputs[None], sample.ori_shape, (1.0, ), False,
                                  'probs')[0]
    top, argmax = probs.max(0)
    threshold = float(top.median())  # about half of this image's pixels reach it
    out = str(tmp_path / 'fixed')
    summary = PseudoLabeler(rule='max', num_overlays=0).run(model, loader, out,
                                                            threshold=threshold)
    name = PseudoLabeler.label_name(loader.dataset, sample.img_path)
    label = torch.from_numpy(np.asarray(Image.open(f'{out}/{name}.png')).astype(np.int64))
    expected = torch.where(top >= threshold, argmax, torch.full_like(argmax, 255))
    assert 0.3 < (label != 255).float().mean() < 0.7
    # the PNG and the recomputed rule may differ only where top equals the threshold
    assert ((label != expected) & (top != threshold)).sum() == 0
    report = json.load(open(f'{out}/report.json'))
    assert report['threshold'] == summary['threshold'] == threshold and report['ratio'] is None
    assert {row['threshold'] for row in report['classes']} == {threshold}


@pytest.mark.parametrize('rule, threshold, ratio, message', [
    ('max', 0.95, 0.5, 'not both'),
    ('max', 1.0, None, 'must be in [0, 1)'),
    ('argmax', 0.95, None, "rule 'argmax' labels every pixel"),
])
def test_bad_confidence_thresholds_are_refused_before_anything_is_written(
        semi_setup, tmp_path, rule, threshold, ratio, message):
    from mmnoisy.utils.errors import ConfigError
    model, loader = semi_setup
    with pytest.raises(ConfigError, match=message.replace('[', r'\[').replace(')', r'\)')):
        PseudoLabeler(rule=rule).run(model, loader, str(tmp_path / 'out'), ratio=ratio,
                                     threshold=threshold)
    assert not os.listdir(tmp_path)
