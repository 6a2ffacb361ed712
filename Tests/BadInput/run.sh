#!/usr/bin/env bash
# The bad-input suite: every case is one config, data file, checkpoint or command line with ONE
# mistake. Each must be refused with the exit code of README.md (2 for bad usage/config/data found
# before any work, 1 for a failure at run time), exactly one stderr line starting
# `dlt: error: ` that names the offending file and a keyword of the problem, no crash report,
# and nothing written (the --out directory, or -o file, does not exist afterwards).
#
# Usage: Tests/BadInput/run.sh DLT_BINARY      (prints a pass/fail table; exit 1 if any fails)
set -uo pipefail
if [ $# -ne 1 ]; then echo "usage: $0 DLT_BINARY" >&2; exit 2; fi
HERE="$(cd "$(dirname "$0")" && pwd)"
DLT="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -x "$DLT" ] || { echo "run.sh: $1 is not an executable" >&2; exit 2; }

# Work in a temp dir: configs name paths relative to it (cases/..., gen/...).
W="$(mktemp -d "${TMPDIR:-/tmp}/dlt-bad-input.XXXXXX")"
trap 'rm -rf "$W"' EXIT
ln -s "$HERE/cases" "$W/cases"
python3 "$HERE/gen_data.py" "$W/gen" || { echo "run.sh: gen_data.py failed" >&2; exit 1; }
cd "$W" || exit 1

PASS=0; FAIL=0; FAILED=()
# Shorter than any legitimate refusal takes on a slow machine, long enough for the debug build.
TIMEOUT=60

# check NAME EXPECTED_RC FILE KEYWORD_REGEX MUST_NOT_EXIST -- ARGS...
# Runs dlt ARGS and checks the contract described at the top. FILE is the name the message must
# contain ('-' for none); KEYWORD_REGEX is matched case-insensitively (extended regex).
check() {
  local name=$1 want=$2 file=$3 keyword=$4 absent=$5; shift 6
  local err="$W/stderr.$name" rc why=""
  timeout "$TIMEOUT" "$DLT" "$@" >/dev/null 2>"$err"; rc=$?
  verdict "$name" "$want" "$file" "$keyword" "$absent" "$rc" "$err"
}

# verdict NAME EXPECTED_RC FILE KEYWORD ABSENT RC STDERR_FILE — shared by check and the special cases.
verdict() {
  local name=$1 want=$2 file=$3 keyword=$4 absent=$5 rc=$6 err=$7 why=""
  local errors; errors=$(grep -c '^dlt: error: ' "$err")
  local last; last=$(grep '^dlt: error: ' "$err" | tail -1)
  if [ "$rc" -eq 124 ]; then why="timed out after ${TIMEOUT}s"
  elif [ "$rc" -ne "$want" ]; then why="exit $rc, expected $want"
  elif grep -Eqi 'fatal error|stack trace|backtrace|precondition|segmentation fault|swift runtime failure' "$err"; then why="crash report on stderr"
  elif [ "$errors" -ne 1 ]; then why="$errors 'dlt: error:' lines, expected 1"
  elif [ "$want" -eq 2 ] && [ "$(wc -l < "$err")" -ne 1 ]; then why="$(wc -l < "$err") stderr lines, expected 1"
  elif [ "$file" != "-" ] && ! grep -qF -- "$file" <<<"$last"; then why="message does not name '$file'"
  elif ! grep -Eqi -- "$keyword" <<<"$last"; then why="message lacks /$keyword/"
  elif [ "$absent" != "-" ] && [ -e "$absent" ]; then why="$absent was written"
  fi
  if [ -z "$why" ]; then PASS=$((PASS + 1)); printf 'pass  %-30s %s\n' "$name" "${last:0:110}"
  else FAIL=$((FAIL + 1)); FAILED+=("$name"); printf 'FAIL  %-30s %s\n      stderr: %s\n' "$name" "$why" "$(head -c 300 "$err" | tr '\n' ' ')"
  fi
}

# cfg NAME RC KEYWORD: `dlt train cases/NAME.yaml --out OUT` must fail naming the config file.
cfg() { check "$1" "$2" "cases/$1.yaml" "$3" "$W/out_$1" -- train "cases/$1.yaml" --out "$W/out_$1"; }
# dat NAME RC FILE KEYWORD: the config is fine, its data file FILE is not.
dat() { check "$1" "$2" "$3" "$4" "$W/out_$1" -- train "cases/$1.yaml" --out "$W/out_$1"; }

echo "bad-input suite: $DLT"
echo "--- config files"
cfg yaml_syntax 2 'syntax'
cfg empty 2 'empty'
cfg garbage 2 'utf-?8|binary|text'
cfg top_level_list 2 'mapping'
cfg two_documents 2 'document'
cfg unknown_top_key 2 "optimiser.*optimizer"
cfg unknown_layer 2 "dence.*did you mean.*dense"
cfg unknown_layer_key 2 "filters"
cfg wrong_type_units 2 "units.*abc"
cfg wrong_type_float_units 2 "units.*(whole|int)"
cfg wrong_type_layers 2 "layers.*list"
cfg zero_units 2 "units.*positive"
cfg negative_units 2 "units.*positive"
cfg negative_input 2 "input"
cfg zero_batch_size 2 "batch_size"
cfg negative_lr 2 "lr"
cfg zero_kernel 2 "kernel"
cfg unknown_inputs 2 "hiden"
cfg duplicate_layer_names 2 "same.*(duplicate|already|twice|more than once)|(duplicate|already|twice).*same"
cfg forward_reference 2 "'b'|forward|later|before"
cfg cycle 2 "cycle|itself"
cfg nan_lr 2 "nan|finite"
cfg inf_lr 2 "inf|finite"
cfg duplicate_key 2 "duplicate|epochs"
cfg duplicate_top_key 2 "duplicate|loss"
cfg bad_activation 2 "relux"
cfg dropout_rate 2 "rate"
cfg missing_input 2 "input"
cfg missing_model 2 "model"
cfg bad_loss 2 "crossentropy"
cfg optimizer_foreign_key 2 "momentum"
cfg validation_split_one 2 "validation_split"
cfg kernel_too_large 2 "larger|too (large|big)|kernel|window"
cfg pool_too_large 2 "larger|too (large|big)|size|window"
cfg dense_after_conv 2 "flatten"
# Sequence models (issue #12): refused from the config alone; their data files do not exist.
cfg seq_lstm_zero_units 2 "units.*positive"
cfg seq_gru_negative_units 2 "units.*positive"
cfg seq_heads_zero 2 "heads.*positive"
cfg seq_heads_not_dividing 2 "divisible.*heads"
cfg seq_lstm_on_image 2 "sequence.*\(1, 8, 8\)"
cfg seq_multihead_attention_on_image 2 "sequence.*\(1, 8, 8\)"
cfg seq_mask_zero_not_input 2 "mask_zero.*model input"
cfg augment_unknown_transform 2 "rotat.*did you mean.*rotate"
cfg augment_unknown_key 2 "horizontl.*did you mean.*horizontal"
cfg augment_negative_degrees 2 "degrees"
cfg augment_negative_size 2 "size.*positive"
cfg augment_crop_too_large 2 "padding.*smaller than the 8x8 image"
cfg augment_cutout_too_large 2 "size.*larger than the 8x8 image"
cfg augment_range_reversed 2 "range.*low"
cfg augment_vector_input 2 "augment.*not \\[C, H, W\\]"
# The mismatch is between config and data; the data file is the one named.
check input_shape_mismatch 2 gen/img.idx "shape" "$W/out_input_shape_mismatch" -- train cases/input_shape_mismatch.yaml --out "$W/out_input_shape_mismatch"

check augment_cmd_bad_config 2 cases/augment_unknown_key.yaml "horizontl" "$W/out_augment.png" -- augment cases/augment_unknown_key.yaml -o "$W/out_augment.png"
check augment_cmd_samples_zero 2 - "samples" "$W/out_augment0.png" -- augment cases/img_valid.yaml -o "$W/out_augment0.png" --samples 0

echo "--- data files"
dat data_missing_file 2 gen/no_such_images.idx "no such|not found|does not exist|cannot open"
dat data_directory 2 gen/a_directory "directory"
dat data_truncated_gzip 2 gen/img_truncated.idx.gz "truncated|ends early|unexpected end"
dat data_corrupt_gzip 2 gen/img_corrupt.idx.gz "gzip|corrupt|invalid|deflate"
dat data_wrong_magic 2 gen/img_badmagic.idx "magic"
dat data_truncated_idx 2 gen/img_short_body.idx "truncated|short|bytes|expected"
dat data_count_mismatch 2 gen/lab_short.idx "count|12|10|mismatch|match"
dat data_label_out_of_range 2 gen/lab_big.idx "label|class|9"
dat data_ragged_csv 2 cases/data/ragged.csv "column|field|ragged"
dat data_nonnumeric_csv 2 cases/data/nonnumeric.csv "abc|number|numeric"
dat data_csv_label_out_of_range 2 cases/data/label_range.csv "label|class|7"
dat data_csv_missing 2 cases/data/nope.csv "no such|not found|does not exist|cannot open"
dat data_cifar_wrong_size 2 gen/cifar_bad.bin "size|3073|multiple|record"
dat data_npy_bad_header 2 gen/bad_header.npy "header"

echo "--- command line"
check cli_unknown_flag 2 - "unknown|unexpected|--bogus" "$W/out_cli_unknown_flag" -- train cases/valid.yaml --out "$W/out_cli_unknown_flag" --bogus
check cli_batch_size_zero 2 - "batch" "$W/out_cli_batch_size_zero" -- train cases/valid.yaml --out "$W/out_cli_batch_size_zero" --batch-size 0
check cli_threads_zero 2 - "threads" "$W/out_cli_threads_zero" -- train cases/valid.yaml --out "$W/out_cli_threads_zero" --threads 0
# --epochs 0 is valid (it writes the initial or --init-from weights as a checkpoint); negative is not.
check cli_epochs_negative 2 - "epochs" "$W/out_cli_epochs_negative" -- train cases/valid.yaml --out "$W/out_cli_epochs_negative" --epochs=-1
check cli_missing_argument 2 - "config|missing|expected" - -- train
check cli_missing_config 2 cases/nothing.yaml "no such|not found|does not exist|cannot open" "$W/out_cli_missing_config" -- train cases/nothing.yaml --out "$W/out_cli_missing_config"

# Reference checkpoints for the checkpoint and predict cases (and the existing-run case).
"$DLT" train cases/valid.yaml --out "$W/ref" >/dev/null 2>&1 || echo "run.sh: could not train the reference run" >&2
"$DLT" train cases/img_valid.yaml --out "$W/refimg" >/dev/null 2>&1 || echo "run.sh: could not train the image reference run" >&2
sed 's/units: 4,/units: 5,/' cases/valid.yaml > gen/other.yaml
"$DLT" train gen/other.yaml --out "$W/other" >/dev/null 2>&1 || echo "run.sh: could not train the other reference run" >&2
REF="$W/ref/last.safetensors"
REF_SUM=$(sha256sum "$REF" | cut -d' ' -f1)
check cli_out_holds_run 2 "$W/ref" "overwrite|resume|exists|already" - -- train cases/valid.yaml --out "$W/ref"
if [ "$(sha256sum "$REF" | cut -d' ' -f1)" != "$REF_SUM" ]; then FAIL=$((FAIL + 1)); FAILED+=(cli_out_holds_run_unchanged); echo "FAIL  cli_out_holds_run_unchanged  the existing checkpoint was modified"; fi

# --help is not an error: usage on stdout, exit 0.
timeout "$TIMEOUT" "$DLT" --help >"$W/help.out" 2>"$W/help.err"; rc=$?
if [ "$rc" -eq 0 ] && grep -qi 'usage' "$W/help.out" && ! grep -q 'error' "$W/help.err"; then PASS=$((PASS + 1)); echo "pass  cli_help                       exit 0, usage on stdout"
else FAIL=$((FAIL + 1)); FAILED+=(cli_help); echo "FAIL  cli_help                       exit $rc: $(head -c 200 "$W/help.err")"; fi

echo "--- checkpoints"
size=$(stat -c %s "$REF")
head -c $((size / 2)) "$REF" > gen/truncated.safetensors
cp "$REF" gen/flipped.safetensors
# Flip one bit in the last tensor byte: only the checksum in the metadata can notice.
last=$(( $(od -An -tu1 -j $((size - 1)) -N1 gen/flipped.safetensors) ^ 1 ))
printf "$(printf '\\%03o' "$last")" | dd of=gen/flipped.safetensors bs=1 seek=$((size - 1)) conv=notrunc status=none
check ckpt_truncated 2 gen/truncated.safetensors "truncat|short|bytes|end" - -- eval gen/truncated.safetensors --data cases/data/tiny.csv
check ckpt_flipped_byte 2 gen/flipped.safetensors "checksum|crc" - -- eval gen/flipped.safetensors
check ckpt_resume_truncated 2 gen/truncated.safetensors "truncat|short|bytes|end" "$W/out_ckpt_resume_truncated" -- train cases/valid.yaml --resume gen/truncated.safetensors --out "$W/out_ckpt_resume_truncated"
check ckpt_resume_flipped 2 gen/flipped.safetensors "checksum|crc" "$W/out_ckpt_resume_flipped" -- train cases/valid.yaml --resume gen/flipped.safetensors --out "$W/out_ckpt_resume_flipped"
check ckpt_resume_other_config 2 "$W/other/last.safetensors" "config|shape|differ|match" "$W/out_ckpt_resume_other" -- train cases/valid.yaml --resume "$W/other/last.safetensors" --out "$W/out_ckpt_resume_other"
check ckpt_eval_not_checkpoint 2 cases/data/tiny.csv "safetensors|checkpoint|header" - -- eval cases/data/tiny.csv
check ckpt_eval_missing 2 gen/none.safetensors "no such|not found|does not exist|cannot open" - -- eval gen/none.safetensors

check ckpt_eval_directory 2 gen/a_directory "directory|regular file" - -- eval gen/a_directory
check ckpt_init_from_not_checkpoint 2 gen/img.idx "safetensors|checkpoint|header" "$W/out_init_from" -- train cases/valid.yaml --init-from gen/img.idx --out "$W/out_init_from"
check cli_max_steps_zero 2 - "max-steps" "$W/out_cli_max_steps_zero" -- train cases/valid.yaml --max-steps 0 --out "$W/out_cli_max_steps_zero"
check cli_eval_data_file_count 2 - "data.*IMAGES|data.*PATH|takes" - -- eval "$REF" --data cases/data/tiny.csv cases/data/tiny.csv
check cli_min_accuracy_range 2 - "min-accuracy" - -- eval "$REF" --min-accuracy 1.5
check cli_export_bad_format 2 - "format" "$W/out_export.onnx" -- export "$REF" --format xyz -o "$W/out_export.onnx"
echo "--- compression (train.prune, train.distill)"
cfg prune_sparsity_one 2 "final_sparsity.*\\[0, 1\\)"
cfg prune_end_before_begin 2 "end_step.*after.*begin_step"
cfg prune_unknown_layer 2 "dense_O.*did you mean.*dense_0"
cfg prune_frequency_zero 2 "frequency"
cfg distill_temperature_zero 2 "temperature"
cfg distill_alpha_range 2 "alpha"
check distill_teacher_not_checkpoint 2 cases/data/tiny.csv "safetensors|checkpoint|header" "$W/out_distill_nc" -- train cases/distill_teacher_not_checkpoint.yaml --out "$W/out_distill_nc"
check distill_teacher_shape 2 cases/distill_teacher_shape.yaml "teacher.*(input|output).*differs" "$W/out_distill_shape" -- train cases/distill_teacher_shape.yaml --out "$W/out_distill_shape"
check quantize_no_test_data 2 "$REF" "test" "$W/out_q1.onnx" -- quantize "$REF" -o "$W/out_q1.onnx"
check quantize_calibration_zero 2 - "calibration" "$W/out_q2.onnx" -- quantize "$REF" --calibration 0 -o "$W/out_q2.onnx"
check quantize_not_checkpoint 2 cases/data/tiny.csv "safetensors|checkpoint|header" "$W/out_q3.onnx" -- quantize cases/data/tiny.csv -o "$W/out_q3.onnx"
check cli_plot_not_a_run 2 gen "metrics|run" "$W/out_plot.png" -- plot gen -o "$W/out_plot.png"

echo "--- experiments (--set, sweep, runs)"
check set_bad_value 2 "--set optimizer.lr=abc" "number" "$W/out_set_bad_value" -- train cases/valid.yaml --set optimizer.lr=abc --out "$W/out_set_bad_value"
check set_unknown_key 2 "--set optimizer.lrr=0.1" "did you mean 'lr'" "$W/out_set_unknown_key" -- train cases/valid.yaml --set optimizer.lrr=0.1 --out "$W/out_set_unknown_key"
check set_no_equals 2 "--set optimizer.lr" "KEY=VALUE" "$W/out_set_no_equals" -- train cases/valid.yaml --set optimizer.lr --out "$W/out_set_no_equals"
check set_bad_index 2 "--set model.layers.5.dense.units=3" "list" "$W/out_set_bad_index" -- train cases/valid.yaml --set model.layers.5.dense.units=3 --out "$W/out_set_bad_index"
check set_summary_bad_value 2 "--set model.layers.0.dense.units=0" "units" - -- summary cases/valid.yaml --set model.layers.0.dense.units=0
check sweep_unknown_key 2 "--grid optimizr.lr=0.1" "did you mean 'optimizer'" "$W/out_sweep_unknown_key" -- sweep cases/valid.yaml --grid optimizr.lr=0.1,0.2 --out "$W/out_sweep_unknown_key"
check sweep_bad_value 2 "--grid optimizer.lr=abc" "number" "$W/out_sweep_bad_value" -- sweep cases/valid.yaml --grid optimizer.lr=0.1,abc --out "$W/out_sweep_bad_value"
check sweep_empty_grid 2 - "empty.*--grid" "$W/out_sweep_empty_grid" -- sweep cases/valid.yaml --out "$W/out_sweep_empty_grid"
check sweep_grid_no_values 2 "--grid optimizer.lr=" "no values" "$W/out_sweep_grid_no_values" -- sweep cases/valid.yaml --grid optimizer.lr= --out "$W/out_sweep_grid_no_values"
check sweep_random_nothing 2 - "nothing to draw" "$W/out_sweep_random_nothing" -- sweep cases/valid.yaml --grid optimizer.lr=0.1 --random 3 --out "$W/out_sweep_random_nothing"
check sweep_range_without_random 2 "--grid optimizer.lr=0.01:0.1" "--random" "$W/out_sweep_range" -- sweep cases/valid.yaml --grid optimizer.lr=0.01:0.1 --out "$W/out_sweep_range"
check sweep_missing_data 2 cases/data/nope.csv "no such|not found|does not exist|cannot open" "$W/out_sweep_missing_data" -- sweep cases/data_csv_missing.yaml --grid optimizer.lr=0.1,0.2 --out "$W/out_sweep_missing_data"
check sweep_seed_without_random 2 - "--random" "$W/out_sweep_seed" -- sweep cases/valid.yaml --grid optimizer.lr=0.1,0.2 --seed 3 --out "$W/out_sweep_seed"
"$DLT" sweep cases/valid.yaml --grid optimizer.lr=0.1 --out "$W/sweepA" >/dev/null 2>&1 || echo "run.sh: could not run the reference sweep" >&2
SWEEP_SUM=$(sha256sum "$W/sweepA/sweep.json" | cut -d' ' -f1)
check sweep_other_sweep 2 "$W/sweepA" "different sweep" - -- sweep cases/valid.yaml --grid optimizer.lr=0.2 --out "$W/sweepA"
if [ "$(sha256sum "$W/sweepA/sweep.json" | cut -d' ' -f1)" != "$SWEEP_SUM" ]; then FAIL=$((FAIL + 1)); FAILED+=(sweep_other_sweep_unchanged); echo "FAIL  sweep_other_sweep_unchanged  sweep.json was modified"; fi
check sweep_not_a_sweep_dir 2 "$W/ref" "not a sweep directory" - -- sweep cases/valid.yaml --grid optimizer.lr=0.1 --out "$W/ref"
check runs_no_runs 2 gen "no run directories" - -- runs gen

echo "--- predict"
check predict_wrong_image_size 2 gen/image_10x10.png "10|size|shape|8" "$W/out_predict_size.csv" -- predict "$W/refimg/last.safetensors" gen/image_10x10.png -o "$W/out_predict_size.csv"
check predict_missing_input 2 gen/no_image.png "no such|not found|does not exist|cannot open" "$W/out_predict_missing.csv" -- predict "$W/refimg/last.safetensors" gen/no_image.png -o "$W/out_predict_missing.csv"
check predict_top_k_zero 2 - "top-k" "$W/out_predict_topk.csv" -- predict "$W/refimg/last.safetensors" gen/image_8x8.png --top-k 0 -o "$W/out_predict_topk.csv"
check predict_threads_zero 2 - "threads" "$W/out_predict_threads.csv" -- predict "$W/refimg/last.safetensors" gen/image_8x8.png --threads 0 -o "$W/out_predict_threads.csv"
check predict_csv_wrong_width 2 cases/data/tiny.csv "column|feature|width|size|shape|3|2" "$W/out_predict_width.csv" -- predict "$W/refimg/last.safetensors" cases/data/tiny.csv -o "$W/out_predict_width.csv"

echo "--- run-time failures (exit 1)"
# A full disk: a checkpoint write that fails half-way. As root, chmod does not stop writes, so the
# file size limit does; SIGXFSZ is ignored so that write(2) fails with EFBIG like ENOSPC would.
sed 's/units: 4,/units: 1024,/' cases/valid.yaml > gen/big.yaml
"$DLT" train gen/big.yaml --out "$W/disk" >/dev/null 2>&1
DISK_SUM=$(sha256sum "$W/disk/last.safetensors" | cut -d' ' -f1)
( trap '' XFSZ; ulimit -f 8; exec timeout "$TIMEOUT" "$DLT" train gen/big.yaml --resume "$W/disk/last.safetensors" --out "$W/disk" --epochs 3 ) >/dev/null 2>"$W/stderr.disk_full"
verdict disk_full 1 "$W/disk" "write|space|large|EFBIG|disk" - $? "$W/stderr.disk_full"
if [ "$(sha256sum "$W/disk/last.safetensors" | cut -d' ' -f1)" != "$DISK_SUM" ]; then FAIL=$((FAIL + 1)); FAILED+=(disk_full_checkpoint_intact); echo "FAIL  disk_full_checkpoint_intact  last.safetensors changed after the failed write"; else PASS=$((PASS + 1)); echo "pass  disk_full_checkpoint_intact"; fi

# A NaN loss from a huge learning rate: on_nan: stop exits 1 naming the step and a layer.
check nan_stop 1 - "step.*(hidden|out)|(hidden|out).*step" - -- train cases/nan_huge_lr.yaml --out "$W/nan_stop"
timeout "$TIMEOUT" "$DLT" train cases/nan_skip.yaml --out "$W/nan_skip" >/dev/null 2>"$W/stderr.nan_skip"; rc=$?
if [ "$rc" -eq 0 ] && [ -f "$W/nan_skip/last.safetensors" ]; then PASS=$((PASS + 1)); echo "pass  nan_skip                       completes (exit 0) with a checkpoint"
else FAIL=$((FAIL + 1)); FAILED+=(nan_skip); echo "FAIL  nan_skip                       exit $rc: $(tail -1 "$W/stderr.nan_skip")"; fi

echo "--- $PASS passed, $FAIL failed"
if [ "$FAIL" -ne 0 ]; then echo "failed: ${FAILED[*]}"; exit 1; fi
