"""wcstream as Spark's per-partition word-count aggregator.

Each partition's lines are counted by the native engine in the Python worker (one pass, no Python
call per word), then Spark merges the partitions' counts: the shuffle carries one record per distinct
word and partition instead of one per word. Results equal the textbook pipeline's.
"""

from operator import add

from . import WordCounter

__all__ = ["word_counts", "word_counts_df"]

# One counting thread per task: Spark already runs a task on every executor core.
_THREADS = 1


def _count_lines(lines):
    counter = WordCounter("auto", _THREADS)
    counter.add_lines(lines)
    return iter(counter.counts().items())


def word_counts(lines, num_partitions=None):
    """(word, count) pairs of an RDD or DStream of lines: the same pairs as
    ``lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(add)``.

    The result is an RDD or DStream as that pipeline's, so ``updateStateByKey`` and
    ``reduceByKeyAndWindow`` apply to it unchanged.
    """
    return lines.mapPartitions(_count_lines).reduceByKey(add, num_partitions)


def _count_arrow_batches(column):
    def count(batches):
        import pyarrow as pa

        counter = WordCounter("auto", _THREADS)
        for batch in batches:
            values = batch.column(column)
            if values.null_count:  # a null row has no words
                values = values.drop_null()
            if pa.types.is_string_view(values.type) or pa.types.is_binary_view(values.type):
                values = values.cast(pa.large_binary())
            wide = pa.types.is_large_string(values.type) or pa.types.is_large_binary(values.type)
            if not (wide or pa.types.is_string(values.type) or pa.types.is_binary(values.type)):
                raise TypeError(f"wcstream: column {column!r} is {values.type}, not a string or binary column")
            _, offsets, data = values.buffers()
            if data is None:  # every row empty
                continue
            counter.add_arrow(offsets, data, values.offset, len(values), wide)
        counts = counter.counts()
        yield pa.RecordBatch.from_arrays(
            [pa.array(list(counts.keys()), pa.string()), pa.array(list(counts.values()), pa.int64())],
            names=["word", "count"],
        )

    return count


def word_counts_df(df, column="value"):
    """Word counts of a DataFrame's string column (one line per row), batch or streaming: columns
    ``word`` (string) and ``count`` (long). Each partition, in each micro-batch of a stream, is
    counted natively through ``mapInArrow``; a group-by sum merges them.
    """
    from pyspark.sql import functions as F

    if column not in df.columns:
        raise ValueError(f"wcstream: no column {column!r} in {df.columns}")
    partial = df.select(column).mapInArrow(_count_arrow_batches(column), "word string, count long")
    return partial.groupBy("word").agg(F.sum("count").cast("long").alias("count"))
