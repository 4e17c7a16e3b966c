"""wcstream.spark against the textbook PySpark pipeline, in local[2] and local-cluster[2,1,1024]
(two executor JVMs, each with its Python workers importing the installed package)."""

import io
import socket
import threading
import time
from operator import add, sub

import pytest

pyspark = pytest.importorskip("pyspark")

from conftest import frames, generated_text, spark_session  # noqa: E402
from pyspark.rdd import portable_hash  # noqa: E402
from wcstream import WordCounter, count_words  # noqa: E402
from wcstream.spark import _CountingDeserializer, _feed_frames, _partition_counts, word_counts, word_counts_df  # noqa: E402


def textbook(lines):
    return lines.flatMap(lambda line: line.split()).map(lambda word: (word, 1)).reduceByKey(add)


@pytest.fixture(scope="module", params=["local[2]", "local-cluster[2,1,1024]"])
def spark(request):
    session = spark_session(request.param)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, reviews):
    """Files Spark reads: the sample reviews, and generated text (Unicode whitespace, malformed UTF-8)."""
    folder = tmp_path_factory.mktemp("spark-inputs")
    (folder / "reviews.json").write_bytes(reviews)
    (folder / "generated.txt").write_bytes(generated_text(lines=6000, seed=11))
    return folder


@pytest.mark.parametrize("name", ["reviews.json", "generated.txt"])
def test_word_counts_equal_the_textbook_rdd(spark, inputs, name):
    lines = spark.sparkContext.textFile(str(inputs / name), minPartitions=3)
    assert isinstance(_partition_counts(lines)._jrdd_deserializer, _CountingDeserializer)  # the JVM's bytes
    ours = word_counts(lines).collect()
    assert len(ours) == len(dict(ours))  # one pair per word
    assert dict(ours) == dict(textbook(lines).collect())


def test_word_counts_of_python_lines_equal_the_textbook_rdd(spark, inputs):
    """Lines that are Python objects (pipelined or parallelized) are counted through them."""
    sc = spark.sparkContext
    text = (inputs / "generated.txt").read_bytes().decode("utf-8", "replace")
    for lines in (sc.textFile(str(inputs / "generated.txt"), 3).map(lambda line: line), sc.parallelize(text.splitlines(), 3)):
        assert not isinstance(_partition_counts(lines)._jrdd_deserializer, _CountingDeserializer)
        assert dict(word_counts(lines).collect()) == dict(textbook(lines).collect())


def test_word_counts_partitioner_is_reduce_by_keys(spark, inputs):
    lines = spark.sparkContext.textFile(str(inputs / "reviews.json"), minPartitions=2)
    counts = word_counts(lines, 3)
    assert counts.partitioner == textbook(lines).reduceByKey(add, 3).partitioner
    # Each word is in portable_hash's partition, computed where Spark sets PYTHONHASHSEED: in the workers.
    in_place = counts.mapPartitionsWithIndex(lambda i, pairs: [all(portable_hash(w) % 3 == i for w, _ in pairs)])
    assert in_place.collect() == [True] * 3


@pytest.mark.parametrize("buffer_size", [64, 8192])
def test_feed_frames_reads_to_the_end_marker_only(generated, buffer_size):
    """The worker's stream after the data section (the protocol's next messages) stays unread, whether
    frames fit the stream's buffer or not; a stream without peek() is read frame by frame."""
    lines = generated.decode("utf-8", "replace").splitlines()
    data = frames(lines) + (-1).to_bytes(4, "big", signed=True) + b"next message"
    for stream in (io.BufferedReader(io.BytesIO(data), buffer_size), io.BytesIO(data)):
        counter = WordCounter()
        _feed_frames(counter, stream)
        assert stream.read() == b"next message"
        assert counter.counts() == count_words("\n".join(lines))


@pytest.mark.parametrize("name", ["reviews.json", "generated.txt"])
def test_word_counts_df_equal_the_textbook_rdd(spark, inputs, name):
    df = spark.read.text(str(inputs / name)).repartition(3)
    ours = word_counts_df(df)
    assert [(f.name, f.dataType.typeName()) for f in ours.schema.fields] == [("word", "string"), ("count", "long")]
    want = dict(textbook(df.rdd.map(lambda row: row.value)).collect())
    assert {row.word: row["count"] for row in ours.collect()} == want


def test_word_counts_df_rejects_a_missing_column(spark):
    with pytest.raises(ValueError, match="no column 'text'"):
        word_counts_df(spark.createDataFrame([("a b",)], ["value"]), column="text")


def test_structured_streaming_file_source(spark, inputs, tmp_path):
    if spark.sparkContext.master != "local[2]":
        pytest.skip("one Structured Streaming run is enough (local[2])")
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_bytes((inputs / "reviews.json").read_bytes())
    (source / "b.txt").write_bytes((inputs / "generated.txt").read_bytes())
    stream = spark.readStream.text(str(source))
    query = (
        word_counts_df(stream)
        .writeStream.format("memory")
        .queryName("wcstream_counts")
        .outputMode("complete")
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination(120)
    got = {row.word: row["count"] for row in spark.sql("SELECT * FROM wcstream_counts").collect()}
    lines = spark.read.text(str(source)).rdd.map(lambda row: row.value)
    assert got == dict(textbook(lines).collect())


def serve_lines(payload: bytes, done: threading.Event):
    """A one-connection socket server (the tutorial's tcp_server.py): sends `payload`, then keeps the
    connection open until `done` (the receiver restarts when a connection closes)."""
    server = socket.create_server(("127.0.0.1", 0))

    def run():
        with server:
            connection, _ = server.accept()
            with connection:
                connection.sendall(payload)
                done.wait(300)

    threading.Thread(target=run, daemon=True).start()
    return server.getsockname()[1]


def test_dstream_programs_over_a_socket(spark, reviews, tmp_path):
    """The tutorial's three programs on word_counts and on the textbook pipeline, over one stream:
    every batch's output equal, and the stateful totals equal count_words of everything sent."""
    from pyspark.streaming import StreamingContext

    if spark.sparkContext.master != "local[2]":
        pytest.skip("one DStream run is enough (local[2])")
    payload = reviews + generated_text(lines=1500, seed=3)
    expected = count_words(payload)  # equal to the JVM's decoding (test_word_counts_equal_the_textbook_rdd)
    done = threading.Event()
    ssc = StreamingContext(spark.sparkContext, 2)
    ssc.checkpoint(str(tmp_path / "checkpoint"))
    lines = ssc.socketTextStream("127.0.0.1", serve_lines(payload, done))

    def update(new_values, total):
        return sum(new_values) + (total or 0)

    results = {}

    def keep(name):
        def save(time, rdd):
            results.setdefault(name, {})[time] = dict(rdd.collect())

        return save

    for name, counts in (("ours", word_counts(lines)), ("textbook", textbook(lines))):
        counts.foreachRDD(keep(name + "/stateless"))
        counts.updateStateByKey(update).foreachRDD(keep(name + "/stateful"))
        counts.reduceByKeyAndWindow(add, sub, 6, 2).foreachRDD(keep(name + "/window"))

    def finished():
        outputs = list(results.values())
        if len(outputs) < 6 or len(set.intersection(*(set(o) for o in outputs))) < 4:
            return False
        return all(o[max(o)] == expected for name, o in results.items() if name.endswith("/stateful"))

    ssc.start()
    deadline = time.time() + 240
    while time.time() < deadline and not finished():
        time.sleep(0.5)
    ssc.stop(stopSparkContext=False, stopGraceFully=False)
    done.set()
    for program in ("stateless", "stateful", "window"):
        ours, theirs = results["ours/" + program], results["textbook/" + program]
        common = sorted(set(ours) & set(theirs))
        assert len(common) >= 4, program
        for t in common:
            assert ours[t] == theirs[t], f"{program} batch {t}"
    for name in ("ours", "textbook"):
        stateful = results[name + "/stateful"]
        assert stateful[max(stateful)] == expected, name
