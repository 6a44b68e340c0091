"""The UniMatch split lists shipped in configs/_base_/datasets/splits/*/unimatch.

Converted from LiheYoung/UniMatch@0324f3dd (splits/pascal, splits/cityscapes) with
tools/unimatch_splits.py; provenance in configs/_base_/datasets/splits/README.md. The
asserted counts and overlaps are the measured ones of the authors' lists.
"""
import itertools
import os.path as osp
import re

import pytest

from conftest import REPO, run_tool_main
from mmnoisy.datasets.splits import check_disjoint, check_unique, read_ids, unimatch_ids
from mmnoisy.datasets.validation import InvalidDatasetError

SPLITS = osp.join(REPO, 'configs/_base_/datasets/splits')
VOC_PROTOCOLS = ('92', '183', '366', '732', '1464')
CITYSCAPES_PROTOCOLS = ('1_16', '1_8', '1_4', '1_2')
# Labelled ids per Cityscapes protocol: ceil(2975 / d).
CITYSCAPES_LABELED = {'1_16': 186, '1_8': 372, '1_4': 744, '1_2': 1488}


def ids(dataset, name):
    path = osp.join(SPLITS, dataset, 'unimatch', f'{name}.txt')
    listed = read_ids(path)
    check_unique(listed)
    with open(path, 'rb') as f:  # mmnoisy's format: one id a line, nothing else
        assert f.read() == ''.join(f'{i}\n' for i in listed).encode()
    return listed


def protocol(dataset, name):
    return set(ids(dataset, f'{name}_labeled')), set(ids(dataset, f'{name}_unlabeled'))


def check_protocols(dataset, names, num_train, num_val):
    val = set(ids(dataset, 'val'))
    assert len(val) == num_val
    train = None
    for name in names:
        labeled, unlabeled = protocol(dataset, name)
        check_disjoint(labeled, unlabeled)
        train = train or labeled | unlabeled
        assert labeled | unlabeled == train and len(train) == num_train, name
        assert not train & val, name
    return train, val


def test_voc_classic_protocol():
    train, val = check_protocols('voc12', VOC_PROTOCOLS, num_train=10582, num_val=1449)
    labeled = {n: protocol('voc12', n)[0] for n in VOC_PROTOCOLS}
    assert {n: len(s) for n, s in labeled.items()} == {n: int(n) for n in VOC_PROTOCOLS}
    voc_train = labeled['1464']  # all of VOC 2012 train: every labelled set lies in it
    assert all(s <= voc_train for s in labeled.values())
    # Not nested: consecutive labelled sets share few ids (only 732 lies in 1464).
    shared = {(a, b): len(labeled[a] & labeled[b])
              for a, b in itertools.pairwise(VOC_PROTOCOLS)}
    assert shared == {('92', '183'): 9, ('183', '366'): 42, ('366', '732'): 188,
                      ('732', '1464'): 732}


def test_cityscapes_protocols():
    train, val = check_protocols('cityscapes', CITYSCAPES_PROTOCOLS, num_train=2975,
                                 num_val=500)
    labeled = {n: protocol('cityscapes', n)[0] for n in CITYSCAPES_PROTOCOLS}
    assert {n: len(s) for n, s in labeled.items()} == CITYSCAPES_LABELED
    for small, large in itertools.pairwise(CITYSCAPES_PROTOCOLS):
        assert labeled[small] < labeled[large]  # nested: 1/16 in 1/8 in 1/4 in 1/2
    cities = [{i.split('/')[0] for i in s} for s in (train, val)]
    assert len(cities[0]) == 18 and cities[1] == {'frankfurt', 'lindau', 'munster'}


@pytest.mark.parametrize('dataset', ['voc12', 'cityscapes'])
def test_valtiny_lies_in_the_unimatch_val_list(dataset):
    valtiny = read_ids(osp.join(SPLITS, dataset, 'valtiny.txt'))
    assert set(valtiny) <= set(ids(dataset, 'val'))


# The first lines of the authors' files (UniMatch@0324f3dd), which end without a newline.
AUTHORS = {
    'pascal/92/labeled.txt': [
        'JPEGImages/2007_000733.jpg SegmentationClass/2007_000733.png',
        'JPEGImages/2010_004493.jpg SegmentationClass/2010_004493.png',
        'JPEGImages/2010_000466.jpg SegmentationClass/2010_000466.png'],
    'pascal/92/unlabeled.txt': [
        'JPEGImages/2009_000898.jpg SegmentationClass/2009_000898.png',
        'JPEGImages/2008_002071.jpg SegmentationClass/2008_002071.png',
        'JPEGImages/2010_003342.jpg SegmentationClass/2010_003342.png'],
    'pascal/val.txt': [
        'JPEGImages/2007_000033.jpg SegmentationClass/2007_000033.png',
        'JPEGImages/2007_000042.jpg SegmentationClass/2007_000042.png',
        'JPEGImages/2007_000061.jpg SegmentationClass/2007_000061.png'],
    'cityscapes/1_16/labeled.txt': [
        'leftImg8bit/train/jena/jena_000078_000019_leftImg8bit.png '
        'gtFine/train/jena/jena_000078_000019_gtFine_labelTrainIds.png',
        'leftImg8bit/train/jena/jena_000065_000019_leftImg8bit.png '
        'gtFine/train/jena/jena_000065_000019_gtFine_labelTrainIds.png'],
    'cityscapes/1_16/unlabeled.txt': [
        'leftImg8bit/train/jena/jena_000032_000019_leftImg8bit.png '
        'gtFine/train/jena/jena_000032_000019_gtFine_labelTrainIds.png'],
    'cityscapes/val.txt': [
        'leftImg8bit/val/frankfurt/frankfurt_000001_062250_leftImg8bit.png '
        'gtFine/val/frankfurt/frankfurt_000001_062250_gtFine_labelTrainIds.png',
        'leftImg8bit/val/frankfurt/frankfurt_000001_063045_leftImg8bit.png '
        'gtFine/val/frankfurt/frankfurt_000001_063045_gtFine_labelTrainIds.png'],
}
SHIPPED = {'pascal/92/labeled.txt': 'voc12/unimatch/92_labeled.txt',
           'pascal/92/unlabeled.txt': 'voc12/unimatch/92_unlabeled.txt',
           'pascal/val.txt': 'voc12/unimatch/val.txt',
           'cityscapes/1_16/labeled.txt': 'cityscapes/unimatch/1_16_labeled.txt',
           'cityscapes/1_16/unlabeled.txt': 'cityscapes/unimatch/1_16_unlabeled.txt',
           'cityscapes/val.txt': 'cityscapes/unimatch/val.txt'}


def write_authors(root, files):
    for name, lines in files.items():
        path = root / 'splits' / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('\n'.join(lines))


def run(root, out, capsys, monkeypatch):
    return run_tool_main('tools/unimatch_splits.py', root, '--out-dir', out, '--pascal', '92',
                         '--cityscapes', '1_16', capsys=capsys, monkeypatch=monkeypatch)


def test_converter_reproduces_the_shipped_lines(tmp_path, capsys, monkeypatch):
    write_authors(tmp_path / 'UniMatch', AUTHORS)
    code, out, _ = run(tmp_path / 'UniMatch', tmp_path / 'out', capsys, monkeypatch)
    assert code in (0, None)
    assert 'pascal 92: 3 labeled + 3 unlabeled = 6 train ids' in out
    for authors, shipped in SHIPPED.items():
        with open(tmp_path / 'out' / shipped, 'rb') as f:
            converted = f.read()
        with open(osp.join(SPLITS, shipped), 'rb') as f:
            first_lines = b''.join(itertools.islice(f, len(AUTHORS[authors])))
        assert converted == first_lines, shipped


@pytest.mark.parametrize('change, message', [
    (('pascal/92/labeled.txt', 'JPEGImages/2007_000733.jpg SegmentationClass/2007_000734.png'),
     'line 1 of .* is not a UniMatch pascal pair'),
    (('pascal/92/labeled.txt', 'JPEGImages/2007_000733.jpg'), 'not a UniMatch pascal pair'),
    (('pascal/92/unlabeled.txt', AUTHORS['pascal/92/labeled.txt'][0]),
     'in both the pascal 92 labeled and the unlabeled list'),
    (('pascal/92/unlabeled.txt', AUTHORS['pascal/val.txt'][0]),
     'in both the pascal 92 train and the val list'),
    (('cityscapes/1_16/unlabeled.txt', AUTHORS['cityscapes/val.txt'][0]),
     'mixes train and val images'),
])
def test_converter_refuses_bad_lists(tmp_path, capsys, monkeypatch, change, message):
    name, line = change
    write_authors(tmp_path / 'UniMatch', dict(AUTHORS, **{name: [line, *AUTHORS[name]]}))
    code, _, err = run(tmp_path / 'UniMatch', tmp_path / 'out', capsys, monkeypatch)
    assert code == 2 and 'Traceback' not in err and re.search(message, err), err
    assert not (tmp_path / 'out').exists()  # nothing written


def test_unimatch_ids_reads_blank_lines_and_refuses_repeats():
    lines = ['', *AUTHORS['pascal/val.txt'], '  ']
    assert unimatch_ids(lines, 'pascal') == ['2007_000033', '2007_000042', '2007_000061']
    with pytest.raises(InvalidDatasetError, match='val.txt repeats 3 id'):
        unimatch_ids(AUTHORS['pascal/val.txt'] * 2, 'pascal', source='val.txt')
    with pytest.raises(InvalidDatasetError, match='outside the data folders'):
        unimatch_ids(['JPEGImages/...jpg SegmentationClass/...png'], 'pascal')
    with pytest.raises(ValueError, match='unknown UniMatch dataset'):
        unimatch_ids([], 'coco')
