# dlt — make setup | make test | make run | make bench
SWIFT ?= swift
DLT_DEBUG = .build/debug/dlt
DLT = .build/release/dlt

.PHONY: setup build release data test run bench fuzz sanitize clean

## Installs what a fresh Debian machine lacks (OpenBLAS, zlib, libpng, Fashion-MNIST, Open MPI).
setup:
	@if ! pkg-config --exists openblas zlib libpng || [ ! -d /usr/share/datasets/fashion-mnist ] || ! command -v mpirun >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq libopenblas-dev zlib1g-dev libpng-dev dataset-fashion-mnist openmpi-bin libopenmpi-dev; fi

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release

## Small generated files in real formats (CIFAR-10 binary, text CSV) for configs and tests.
data: data/generated/text_train.csv
data/generated/text_train.csv: scripts/make_test_data.py
	python3 scripts/make_test_data.py data/generated

## Unit tests, end-to-end CLI tests, the bad-input suite, the kill/resume test and 2-3 MPI ranks.
test: data build
	$(SWIFT) test
	Tests/BadInput/run.sh $(DLT_DEBUG)
	scripts/kill_test.sh 3 $(DLT_DEBUG)
	Tests/Distributed/run.sh $(DLT_DEBUG)

## The main job: train mnist_cnn on Fashion-MNIST, evaluate it on the test set, predict a grid.
run: setup data release
	$(DLT) train configs/mnist_cnn.yaml --overwrite
	$(DLT) eval runs/mnist_cnn/best.safetensors
	$(DLT) predict runs/mnist_cnn/best.safetensors /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz \
		--top-k 1 -o runs/mnist_cnn/predictions.csv --grid runs/mnist_cnn/grid.png
	@echo "predictions: runs/mnist_cnn/predictions.csv   grid: runs/mnist_cnn/grid.png"

## dlt against PyTorch and onnxruntime on every config (installs torch, onnxruntime into .venv-bench once).
bench: release data
	scripts/bench_vs_pytorch.sh

fuzz:
	scripts/fuzz.sh 60

sanitize:
	scripts/sanitize.sh

clean:
	rm -rf .build runs data/generated
