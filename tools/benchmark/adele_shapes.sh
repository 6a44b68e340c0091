#!/usr/bin/env bash
# ADELE vs plain training on the same `moderate` noisy labels of the procedural shapes data,
# 3 seeds, a CPU-sized schedule (NTRAIN=128 train images, EPOCHS=8 epochs of 16 iterations,
# a record every INTERVAL=4 iterations; override them in the environment). Results:
# `python tools/benchmark/adele_summary.py work_dirs/benchmark_adele` (tables in docs/adele.md).
# ROOT=data/shapes_cue GEN_ARGS=--colour-cue runs on the colour-cue variant of the data.
# Usage (from the repo root): bash tools/benchmark/adele_shapes.sh [SEEDS...]
set -euo pipefail
SEEDS=${*:-0 1 2}
ROOT=${ROOT:-data/shapes}
OUT=${OUT:-work_dirs/benchmark_adele}
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
for seed in $SEEDS; do
  for method in baseline adele; do
    cfg=configs/adele/deeplabv2_r18-d8_${method}_shapes-moderate.py
    wd=$OUT/${method}_seed$seed
    [ -f $wd/epoch_$EPOCHS.pth ] && continue
    nice -n 15 $PY tools/train.py $cfg --work-dir $wd --cfg-options $OPTS randomness.seed=$seed \
      > $OUT/${method}_seed$seed.log 2>&1
  done
done
