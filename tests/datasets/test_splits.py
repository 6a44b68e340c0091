import random

import pytest

from conftest import run_tool, run_tool_main
from mmnoisy.datasets.splits import (check_disjoint, labeled_count, make_dst_cbc_splits,
                                     make_valtiny, read_ids)
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


def test_valtiny_is_a_seeded_subset_in_list_order():
    val = [f'v{i:03d}' for i in range(200)]
    tiny = make_valtiny(val, 20)
    assert len(tiny) == 20 and tiny == sorted(tiny) and set(tiny) < set(val)
    assert make_valtiny(val, 20) == tiny and make_valtiny(val, 20, seed=1) != tiny
    assert make_valtiny(val, 200) == val
    for size in (0, 201):
        with pytest.raises(InvalidDatasetError, match='choose a size from 1 to 200'):
            make_valtiny(val, size)
    with pytest.raises(InvalidDatasetError, match='repeats 1 id'):
        make_valtiny(['a', 'a', 'b'], 1)


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


def test_make_splits_tool_writes_a_seeded_valtiny(tmp_path, capsys, monkeypatch):
    val = tmp_path / 'val.txt'
    val.write_text(''.join(f'v{i}\n' for i in range(30)))
    train = tmp_path / 'train.txt'
    train.write_text(''.join(f't{i}\n' for i in range(16)))
    drawn = []
    for seed in ('1', '1', '2'):
        code, _, _ = run_tool_main('tools/make_splits.py', train, '--out-dir', tmp_path / seed,
                                   '--divisors', '8', '--repeats', '1', '--val', val,
                                   '--valtiny', '5', '--seed', seed, capsys=capsys,
                                   monkeypatch=monkeypatch)
        assert code in (0, None)
        drawn.append(read_ids(str(tmp_path / seed / 'valtiny.txt')))
    assert drawn[0] == drawn[1] != drawn[2] and len(drawn[0]) == 5
    code, _, err = run_tool_main('tools/make_splits.py', train, '--out-dir', tmp_path / 'x',
                                 '--val', val, '--valtiny', '31', capsys=capsys,
                                 monkeypatch=monkeypatch)
    assert code == 2 and 'choose a size from 1 to 30' in err and 'Traceback' not in err
    code, _, err = run_tool_main('tools/make_splits.py', train, '--out-dir', tmp_path / 'x',
                                 '--valtiny', '5', capsys=capsys, monkeypatch=monkeypatch)
    assert code == 2 and '--val and --valtiny go together' in err


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
