import random

import pytest

from conftest import run_tool
from mmnoisy.datasets.splits import (check_disjoint, labeled_count, make_dst_cbc_splits,
                                     read_ids)
from mmnoisy.datasets.validation import InvalidDatasetError

VOC_IDS = [f'{2007 + i // 3000}_{i:06d}' for i in range(10582)]


def test_voc_labeled_sizes_follow_released_rule():
    splits = make_dst_cbc_splits(VOC_IDS)
    sizes = {d: len(splits[f'{d}_labeled_0']) for d in (106, 50, 20, 8, 4)}
    assert sizes == {106: 100, 50: 211, 20: 530, 8: 1322, 4: 2645}
    assert labeled_count(10582, 20) == 530  # 529 % 8 == 1 -> +1
    assert labeled_count(2975, 29.75) == 100  # Cityscapes 1/30


def test_matches_seeded_cumulative_shuffles():
    """Repeat k is the (k+1)-th shuffle of one list under random.seed(7777)."""
    ids = [f'x{i}' for i in range(100)]
    random.seed(7777)
    order = list(ids)
    expected = []
    for _ in range(3):
        random.shuffle(order)
        expected.append(list(order))
    splits = make_dst_cbc_splits(ids, divisors=(4, ))
    for k in range(3):
        assert splits[f'1_labeled_{k}'] == expected[k]
        n = labeled_count(100, 4)
        assert splits[f'4_labeled_{k}'] == expected[k][:n]
        assert splits[f'4_unlabeled_{k}'] == expected[k][n:]


def test_prefix_property_and_partition():
    splits = make_dst_cbc_splits(VOC_IDS)
    for k in range(3):
        small, large = splits[f'106_labeled_{k}'], splits[f'8_labeled_{k}']
        assert large[:len(small)] == small
        lab, unl = splits[f'20_labeled_{k}'], splits[f'20_unlabeled_{k}']
        assert sorted(lab + unl) == sorted(VOC_IDS) and not set(lab) & set(unl)
    assert splits['20_labeled_0'] != splits['20_labeled_1']


def test_refuses_duplicates_and_overlap():
    with pytest.raises(InvalidDatasetError, match='repeats 1 id'):
        make_dst_cbc_splits(['a', 'b', 'a'])
    with pytest.raises(InvalidDatasetError, match="both the labeled and the unlabeled"):
        check_disjoint(['a', 'b'], ['b', 'c'])
    check_disjoint(['a'], ['b'])


def test_make_splits_tool(tmp_path, shapes_root):
    out = tmp_path / 'lists'
    ids_file = f'{shapes_root}/ImageSets/Segmentation/train.txt'
    proc = run_tool('tools/make_splits.py', ids_file, '--out-dir', str(out), '--divisors',
                    '4', '8', '--data-root', f'{shapes_root}/JPEGImages')
    assert '1/4: 10 labeled of 40' in proc.stdout
    assert len(read_ids(str(out / '8_labeled_2.txt'))) == 5
    bad = tmp_path / 'ids.txt'
    bad.write_text('train_00000\nno_such_image\n')
    proc = run_tool('tools/make_splits.py', str(bad), '--out-dir', str(tmp_path / 'x'),
                    '--data-root', f'{shapes_root}/JPEGImages', check=False)
    assert proc.returncode == 2
    assert 'no_such_image' in proc.stderr and 'Traceback' not in proc.stderr
    assert not (tmp_path / 'x').exists()


@pytest.mark.parametrize('bad_id', ['/etc/labels/a', '../outside', 'a/../../b'])
def test_ids_outside_the_data_folders_are_refused(tmp_path, bad_id):
    from mmnoisy.datasets import InvalidDatasetError
    from mmnoisy.datasets.splits import read_ids
    path = tmp_path / 'list.txt'
    path.write_text(f'fine_001\n{bad_id}\n')
    with pytest.raises(InvalidDatasetError, match='outside the data folders'):
        read_ids(str(path))
    path.write_text('fine_001\nsub/dir/ok\n')
    assert read_ids(str(path)) == ['fine_001', 'sub/dir/ok']
