#!/usr/bin/env python3
"""Writes small, learnable data files in real formats for tests and example configs.

Usage: make_test_data.py OUTPUT_DIR [--seed N]

Files written (deterministic for a given seed, standard library only):
  data_batch_1.bin, test_batch.bin   CIFAR-10 binary batches, 200 and 100 records of
                                     1 label byte + 3072 pixel bytes (R, G, B planes of 32x32).
                                     Each class has its own base colour and a class-dependent
                                     stripe, plus noise, so a small CNN or MLP can learn it.
  text_train.csv, text_test.csv      columns text,label; 2000 and 400 rows. Positive (1) and
                                     negative (0) texts draw from shared words plus words of
                                     their own, so a bag-of-embeddings model can learn them.
  text_order_train.csv,              columns text,label; 4000 and 800 rows where word order
  text_order_test.csv                decides the label: every text holds one sentiment word and
                                     one "not"; "not" right before the word flips its polarity.
                                     The words of a text say nothing about its label, so a
                                     bag-of-words model stays near chance; a model that sees
                                     neighbouring words (conv1d, lstm, gru, attention) does not.
"""
import argparse
import csv
import os
import random

CIFAR_CLASSES = 10
SIDE = 32

# Base colour per class (R, G, B); classes differ in colour and in stripe orientation/period.
CLASS_COLOURS = [
    (200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40), (200, 40, 200),
    (40, 200, 200), (230, 230, 230), (60, 60, 60), (230, 130, 30), (120, 60, 200),
]

SHARED_WORDS = """the a movie film story plot actor scene music one it was is and of to
this that with for on as time character director screen ending camera""".split()
POSITIVE_WORDS = """great wonderful brilliant loved excellent superb moving delightful
charming beautiful enjoyable fantastic masterpiece funny touching""".split()
NEGATIVE_WORDS = """terrible awful boring hated dull poor waste bad mess tedious
disappointing weak annoying pointless clumsy""".split()


def cifar_record(rng, label):
    """One CIFAR-10 record: the label byte then the R, G and B planes, row-major."""
    base = CLASS_COLOURS[label]
    period = 2 + label % 5
    vertical = label % 2 == 0
    planes = []
    for channel in range(3):
        plane = bytearray(SIDE * SIDE)
        for y in range(SIDE):
            for x in range(SIDE):
                stripe = ((x if vertical else y) // period) % 2
                value = base[channel] + (30 if stripe else -30) + rng.randint(-25, 25)
                plane[y * SIDE + x] = max(0, min(255, value))
        planes.append(bytes(plane))
    return bytes([label]) + b"".join(planes)


def write_cifar(path, count, rng):
    with open(path, "wb") as handle:
        for index in range(count):
            # Labels cover every class, in a seeded random order.
            label = (index * 7 + rng.randrange(CIFAR_CLASSES)) % CIFAR_CLASSES
            handle.write(cifar_record(rng, label))


def sentence(rng, label):
    own = POSITIVE_WORDS if label == 1 else NEGATIVE_WORDS
    other = NEGATIVE_WORDS if label == 1 else POSITIVE_WORDS
    words = [rng.choice(SHARED_WORDS) for _ in range(rng.randint(6, 14))]
    words += [rng.choice(own) for _ in range(rng.randint(2, 4))]
    # A little noise: sometimes a word of the other class appears too.
    if rng.random() < 0.3:
        words.append(rng.choice(other))
    rng.shuffle(words)
    text = " ".join(words)
    if rng.random() < 0.5:
        text = text.capitalize() + rng.choice([".", "!", "...", ", really."])
    return text


def write_text(path, count, rng):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for _ in range(count):
            label = rng.randrange(2)
            writer.writerow([sentence(rng, label), label])


def order_sentence(rng):
    """A text and its label: polarity of the sentiment word, flipped when "not" precedes it."""
    positive = rng.randrange(2) == 1
    word = rng.choice(POSITIVE_WORDS if positive else NEGATIVE_WORDS)
    negated = rng.randrange(2) == 1
    filler = [rng.choice(SHARED_WORDS) for _ in range(rng.randint(5, 12))]
    at = rng.randint(0, len(filler))
    if negated:
        words = filler[:at] + ["not", word] + filler[at:]
    else:
        # "not" elsewhere, never right before the word.
        words = filler[:at] + [word] + filler[at:]
        spots = [i for i in range(len(words) + 1) if i == 0 or words[i - 1] != "not"]
        spots = [i for i in spots if i >= len(words) or words[i] != word]
        words.insert(rng.choice(spots), "not")
    return " ".join(words), int(positive != negated)


def write_order_text(path, count, rng):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        for _ in range(count):
            writer.writerow(order_sentence(rng))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", help="directory to write into (created if missing)")
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    rng = random.Random(args.seed)
    write_cifar(os.path.join(args.output, "data_batch_1.bin"), 200, rng)
    write_cifar(os.path.join(args.output, "test_batch.bin"), 100, rng)
    write_text(os.path.join(args.output, "text_train.csv"), 2000, rng)
    write_text(os.path.join(args.output, "text_test.csv"), 400, rng)
    write_order_text(os.path.join(args.output, "text_order_train.csv"), 4000, rng)
    write_order_text(os.path.join(args.output, "text_order_test.csv"), 800, rng)


if __name__ == "__main__":
    main()
