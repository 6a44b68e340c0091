import json
import os
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
