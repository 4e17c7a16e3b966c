"""wcstream as Spark's per-partition word-count aggregator.

Each partition's lines are counted by the native engine in the Python worker (one pass, no Python
call per word), then Spark merges the partitions' counts: the shuffle carries one record per distinct
word and partition instead of one per word. Results equal the textbook pipeline's.
"""

from operator import add

from pyspark import RDD
from pyspark.rdd import Partitioner, portable_hash
from pyspark.serializers import Serializer, UTF8Deserializer
from pyspark.shuffle import Aggregator, ExternalMerger
from pyspark.streaming import DStream

from . import WordCounter

__all__ = ["word_counts", "word_counts_df"]

# One counting thread per task: Spark already runs a task on every executor core.
_THREADS = 1


def _count_lines(lines):
    counter = WordCounter("auto", _THREADS)
    counter.add_lines(lines)
    return iter(counter.counts().items())


def _feed_frames(counter, stream):
    """Feeds the worker's input, JVM strings framed as UTF8Deserializer reads them, to `counter` up to
    and including the end-of-data marker, and nothing past it (the worker protocol goes on after it).
    Whole frames are taken from the stream's buffer a block at a time (peek, then read what they
    took); a frame the buffer holds only part of is read on its own, which refills the buffer."""
    peek = getattr(stream, "peek", None)
    while True:
        if peek is not None:
            used, end = counter.add_frames(peek(1 << 16))
            stream.read(used)
            if end:
                return
            if used:
                continue
        header = stream.read(4)
        if len(header) < 4:  # the stream ended without a marker (UTF8Deserializer stops there too)
            return
        length = int.from_bytes(header, "big", signed=True)
        frame = header + stream.read(length) if length > 0 else header
        used, end = counter.add_frames(frame)
        if end or used < len(frame):  # the marker, or a frame cut short by the stream's end
            return


class _CountingDeserializer(Serializer):
    """Reads a partition of JVM strings straight into the engine, without a Python str per line,
    and yields the partition's (word, count) pairs."""

    def load_stream(self, stream):
        counter = WordCounter("auto", _THREADS)
        _feed_frames(counter, stream)
        return iter(counter.counts().items())


def _partition_counts(lines):
    """Each partition's (word, count) pairs. An RDD of the JVM's strings (textFile, socketTextStream,
    toJSON: what PySpark reads with UTF8Deserializer) is counted as its bytes arrive; any other RDD of
    lines (pipelined, parallelized, ...) through its Python objects."""
    source = lines._jrdd_deserializer
    if type(source) is UTF8Deserializer and source.use_unicode:
        return RDD(lines._jrdd, lines.ctx, _CountingDeserializer())
    return lines.mapPartitions(_count_lines)


def _sum_counts(counts, num_partitions):
    """``counts.reduceByKey(add, num_partitions)`` for (word, count) pairs already unique within each
    partition, without reduceByKey's map-side combine (a Python dict update per pair). Words go to
    reduce partitions by ``hash``: for a str that is ``portable_hash``, as Spark sets PYTHONHASHSEED
    in every worker, without its per-call check, and the result reports reduceByKey's partitioner."""
    memory, serializer = counts._memory_limit(), counts.ctx.serializer
    adding = Aggregator(int, add, add)

    def merge(pairs):
        merger = ExternalMerger(adding, memory, serializer)
        merger.mergeCombiners(pairs)
        return merger.items()

    summed = counts.partitionBy(num_partitions, hash).mapPartitions(merge, preservesPartitioning=True)
    summed.partitioner = Partitioner(num_partitions, portable_hash)
    return summed


def _reduce_partitions(lines):
    """The reduce side's default: spark.default.parallelism when set (as reduceByKey's), else one per
    core but no more than the input's partitions. The shuffle carries a vocabulary per input partition,
    not a record per word, so the textbook's default (one per input partition) only adds tasks."""
    if lines.ctx.getConf().contains("spark.default.parallelism"):
        return lines.ctx.defaultParallelism
    return min(lines.getNumPartitions(), lines.ctx.defaultParallelism)


def word_counts(lines, num_partitions=None):
    """(word, count) pairs of an RDD or DStream of lines: the same pairs as
    ``lines.flatMap(lambda l: l.split()).map(lambda w: (w, 1)).reduceByKey(add)``.

    The result is an RDD or DStream as that pipeline's, so ``updateStateByKey`` and
    ``reduceByKeyAndWindow`` apply to it unchanged. ``num_partitions`` is the result's partitions.
    """
    if isinstance(lines, DStream):
        partitions = num_partitions or lines._sc.defaultParallelism  # as DStream.reduceByKey's
        return lines.transform(lambda rdd: _sum_counts(_partition_counts(rdd), partitions))
    return _sum_counts(_partition_counts(lines), num_partitions or _reduce_partitions(lines))


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
