#!/usr/bin/env bash
# ADELE vs plain training on the same `moderate` noisy labels of the procedural shapes data,
# 3 seeds, a CPU-sized schedule (NTRAIN=128 train images, EPOCHS=8 epochs of 16 iterations,
# a record every INTERVAL=4 iterations; override them in the environment). Results:
# `python tools/benchmark/adele_summary.py work_dirs/benchmark_adele` (tables in docs/adele.md).
# ROOT=data/shapes_cue GEN_ARGS=--colour-cue runs on the colour-cue variant of the data.
# METHODS picks the runs (default "baseline adele"); `adele-cumulative` is ADELE with
# `reset_to_initial=False` (each correction starts from the previous corrected labels);
# `adele-t<T>` is ADELE with the correction's softmax at temperature T (`adele-t1`: the
# paper's text; the released code and the default use 3); `adele-nocorrect` is the
# multi-scale consistency alone (the hook records curves but corrects nothing);
# `adele-crf` (and `adele-crf-t<T>`) refines the correction's predictions from epoch 9 with
# the released one-iteration dense CRF (the authors' example command, `--CRF yes`).
# PRETRAIN=1 starts every run from one model trained on the clean labels of the last
# PRETRAIN_IMAGES=500 train images (disjoint from the NTRAIN noisy ones) for PRETRAIN_EPOCHS=4
# epochs, in place of the paper's ImageNet-pretrained DeepLab whose early learning is fast.
# Usage (from the repo root): bash tools/benchmark/adele_shapes.sh [SEEDS...]
set -euo pipefail
SEEDS=${*:-0 1 2}
ROOT=${ROOT:-data/shapes}
OUT=${OUT:-work_dirs/benchmark_adele}
METHODS=${METHODS:-baseline adele}
NTRAIN=${NTRAIN:-128} EPOCHS=${EPOCHS:-8} INTERVAL=${INTERVAL:-4}
PY=${PYTHON:-python}
export PYTHONPATH=${PYTHONPATH:-.} OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
[ -d $ROOT ] || $PY tools/generate_demo_data.py --out $ROOT ${GEN_ARGS:-}
[ -d $ROOT/SegmentationClassNoisy_moderate ] || $PY tools/synth_noise.py \
  $ROOT/SegmentationClass $ROOT/SegmentationClassNoisy_moderate --tier moderate \
  --num-classes 9 --split $ROOT/ImageSets/Segmentation/train.txt
mkdir -p $OUT
head -$NTRAIN $ROOT/ImageSets/Segmentation/train.txt > $OUT/train$NTRAIN.txt
head -100 $ROOT/ImageSets/Segmentation/val.txt > $OUT/val100.txt
OPTS="train_dataloader.dataset.dataset.data_root=$ROOT val_dataloader.dataset.data_root=$ROOT
  test_dataloader.dataset.data_root=$ROOT train_cfg.max_epochs=$EPOCHS train_cfg.val_interval=$EPOCHS custom_hooks.0.interval=$INTERVAL
  train_dataloader.dataset.dataset.ann_file=$(pwd)/$OUT/train$NTRAIN.txt
  val_dataloader.dataset.ann_file=$(pwd)/$OUT/val100.txt
  test_dataloader.dataset.ann_file=$(pwd)/$OUT/val100.txt
  param_scheduler.1.end=$EPOCHS default_hooks.checkpoint.max_keep_ckpts=1
  default_hooks.logger.interval=8"
if [ -n "${PRETRAIN:-}" ]; then
  PIMG=${PRETRAIN_IMAGES:-500} PEP=${PRETRAIN_EPOCHS:-4}
  tail -$PIMG $ROOT/ImageSets/Segmentation/train.txt > $OUT/pretrain$PIMG.txt
  if [ -n "$(comm -12 <(sort $OUT/train$NTRAIN.txt) <(sort $OUT/pretrain$PIMG.txt))" ]; then
    echo "the pretraining images overlap the $NTRAIN noisy ones" >&2; exit 2
  fi
  [ -f $OUT/pretrain/epoch_$PEP.pth ] || nice -n 15 $PY tools/train.py \
    configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_noisy-moderate.py --work-dir $OUT/pretrain \
    --cfg-options $OPTS train_cfg.max_epochs=$PEP train_cfg.val_interval=$PEP \
    param_scheduler.1.end=$PEP train_dataloader.dataset.dataset.data_prefix.seg_map_path=SegmentationClass \
    train_dataloader.dataset.dataset.ann_file=$(pwd)/$OUT/pretrain$PIMG.txt custom_hooks.0.plot=False \
    > $OUT/pretrain.log 2>&1
  OPTS="$OPTS load_from=$OUT/pretrain/epoch_$PEP.pth"
fi
for seed in $SEEDS; do
  for method in $METHODS; do
    variant=""
    case $method in
      adele-cumulative) cfg=adele; variant="custom_hooks.0.reset_to_initial=False" ;;
      adele-t[0-9]*) cfg=adele; variant="custom_hooks.0.temperature=${method#adele-t}" ;;
      adele-nocorrect) cfg=adele; variant="custom_hooks.0.correct=False" ;;
      adele-crf) cfg=adele; variant="custom_hooks.0.crf=True" ;;
      adele-crf-t[0-9]*) cfg=adele
         variant="custom_hooks.0.crf=True custom_hooks.0.temperature=${method#adele-crf-t}" ;;
      baseline|adele) cfg=$method ;;
      *) echo "unknown method $method (baseline, adele, adele-cumulative, adele-t<T>, adele-nocorrect,
         adele-crf, adele-crf-t<T>)" >&2
         exit 2 ;;
    esac
    [ $cfg = adele ] && cfg=adele-noisy || cfg=noisy  # the file names' label suffix
    cfg=configs/adele/deeplabv2_r18-d8_1xb8-12e_shapes-112x112_${cfg}-moderate.py
    wd=$OUT/${method}_seed$seed
    [ -f $wd/epoch_$EPOCHS.pth ] && continue
    nice -n 15 $PY tools/train.py $cfg --work-dir $wd --cfg-options $OPTS $variant randomness.seed=$seed \
      > $OUT/${method}_seed$seed.log 2>&1
  done
done
