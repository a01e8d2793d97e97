"""Reproducible synthetic corpora for tests and benchmarks (no downloads)."""

from __future__ import annotations

import random
from pathlib import Path

_EN_NOUNS = """
    server cluster node replica shard index query cache token schema table column engine
    pipeline scheduler worker queue message broker topic partition offset snapshot
    backup checkpoint transaction lock latch buffer page segment log journal parser
    lexer compiler optimizer planner executor allocator collector kernel driver socket
    protocol packet frame glossary term definition corpus document sentence annotation
    tokenizer dictionary
    """.split()
_EN_ADJ = """
    distributed primary secondary durable consistent logical physical remote local
    """.split()
_EN_VERBS = """
    stores sends reads writes updates rebuilds flushes checks locks tracks
    """.split()
_JA_NOUNS = """
    形態素 解析 辞書 データ 自然 言語 処理 文書 用語 定義 索引 検索 分散
    計算 並列 記憶 装置 通信 規約 暗号 鍵 署名 証明 書 管理 基盤 制御
    機構 設計 仕様 試験 評価 指標 性能 障害 復旧
    """.split()
_JA_TAILS = [
    "を更新する。",
    "を参照する。",
    "は重要である。",
    "を管理する。",
    "が必要となる。",
    "について説明する。",
    "の結果を記録する。",
]


def english_text(chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        subject = f"the {rng.choice(_EN_ADJ)} {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}"
        obj = f"a {rng.choice(_EN_NOUNS)} {rng.choice(_EN_NOUNS)}"
        sentence = f"{subject.capitalize()} {rng.choice(_EN_VERBS)} {obj} for every request. "
        if rng.random() < 0.1:
            sentence += "\n\n"
        out.append(sentence)
        size += len(sentence)
    return "".join(out)


def japanese_text(chars: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        compound = "".join(rng.choice(_JA_NOUNS) for _ in range(rng.randint(1, 3)))
        other = "".join(rng.choice(_JA_NOUNS) for _ in range(rng.randint(1, 2)))
        sentence = f"{compound}は{other}{rng.choice(_JA_TAILS)}"
        if rng.random() < 0.1:
            sentence += "\n"
        out.append(sentence)
        size += len(sentence)
    return "".join(out)


def write_corpus(
    folder: Path, *, files: int, chars_per_file: int, language: str = "en", seed: int = 0
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    make = english_text if language == "en" else japanese_text
    paths = []
    for i in range(files):
        path = folder / f"{language}-{i:03d}.md"
        path.write_text(make(chars_per_file, seed + i), encoding="utf-8")
        paths.append(path)
    return paths
