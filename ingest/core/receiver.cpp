#include "ingest/core/receiver.hpp"

#include <pthread.h>
#include <sched.h>

#include <spdlog/spdlog.h>

#include <cstring>
#include <limits>
#include <stdexcept>

#include "ingest/common/thread_cpu.hpp"
#include "kernels/tokenize/python_space.hpp"
#include "kernels/tokenize/utf8_jdk.hpp"

namespace wcs {

// Reads stay small enough to leave what they wrote in cache for the line scan, and short enough not to
// hold a core the reduce workers need (much larger reads starve them on a machine with few cores).
constexpr std::size_t max_read_bytes = 1 << 20;

namespace {

// A stream read piece by piece wakes this thread at nearly every packet; at normal priority it then
// preempts the counting threads, and a chunk waits for its slowest slice (with the write-ahead log's
// work here, +13-18% processing per batch at a paced rate). SCHED_IDLE runs it on a core nothing else
// wants; the socket's buffers hold what arrives meanwhile (docs/performance.md). Not for a mapped file:
// it is cut at full speed, and this thread's line count is the engine's input.
void yield_cores_to_counting() {
  const sched_param idle{};
  if (::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &idle) != 0) spdlog::debug("receiver: SCHED_IDLE refused");
}

}  // namespace

std::int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

receiver::receiver(byte_source& source, chunk_ring& ring, event_queue& out, batch_policy policy, wal::write_ahead_log* log)
    : source_(source), ring_(ring), out_(out), policy_(policy), mapped_(source.mapped()),
      lines_left_(policy.lines_per_batch), next_batch_ms_(policy.first_batch_ms), log_(log) {
  if (log_ != nullptr && !mapped_.empty()) throw std::logic_error("receiver: a mapped source is its own log");
}

receiver::~receiver() {
  stop();
  join();
}

void receiver::start() { thread_ = std::thread([this] { run(); }); }

void receiver::join() {
  if (thread_.joinable()) thread_.join();
}

void receiver::seal_chunk(std::size_t cut) {
  if (cut == 0 && lines_ == 0) return;  // an empty chunk only to carry a line that ended with nothing left
  host_buffer* next = ring_.acquire();
  const std::uint8_t* next_chunk = next->data();
  if (mapped_.empty()) {
    std::memcpy(next->data(), chunk_ + cut, filled_ - cut);
  } else {
    // The engine releases chunks in order, and this thread holds two tickets (this chunk's and
    // `next`): every chunk but the newest buffers() - 2 is done, and its pages may go.
    next_chunk = chunk_ + cut;
    const std::uint8_t* done = nullptr;
    while (in_flight_ends_.size() + 2 > ring_.buffers()) {
      done = in_flight_ends_.front();
      in_flight_ends_.pop_front();
    }
    if (done != nullptr) source_.consumed(done);
    in_flight_ends_.push_back(chunk_ + cut);
  }
  if (discarding()) {
    ring_.release(buffer_);
  } else {
    if (log_ != nullptr && !replaying_) log_->flush();  // logged before it can be counted
    out_.push({ingest_event::kind::chunk, buffer_, chunk_, cut, lines_, 0, std::chrono::steady_clock::now()});
  }
  batch_bytes_ += cut;
  buffer_ = next;
  chunk_ = next_chunk;
  filled_ -= cut;
  last_end_ = 0;
  lines_ = 0;
}

void receiver::seal_batch() {
  seal_chunk(last_end_);
  if (log_ != nullptr && !replaying_) {
    // The bytes left are logged already and belong to the next batch. The scanner stands at the cut
    // when they are none, or when a line limit cut inside a read; otherwise they follow a line end
    // other than a "\r" whose "\n" is still to come, and start a line either way.
    const bool after_cr = (filled_ == 0 || policy_.lines_per_batch != 0) && scanner_.after_cr();
    log_->append_batch_end(next_batch_ms_, {chunk_, filled_}, after_cr);
  }
  if (!discarding()) {
    out_.push({ingest_event::kind::batch_end, nullptr, nullptr, 0, 0, next_batch_ms_, std::chrono::steady_clock::now()});
  }
  next_batch_ms_ = policy_.clock.next_batch_ms(next_batch_ms_);
  lines_left_ = policy_.lines_per_batch;
  batch_bytes_ = 0;
}

void receiver::on_data(std::size_t bytes) {
  filled_ += bytes;
  const bool by_lines = policy_.lines_per_batch != 0;
  // The new bytes are the last `left` of the open chunk (sealing a batch moves its start, not its end).
  std::size_t left = bytes;
  while (left != 0) {
    const std::size_t from = filled_ - left;
    const line_scan_result r = scanner_.scan(chunk_ + from, left, by_lines ? lines_left_ : std::numeric_limits<std::uint64_t>::max());
    if (r.last_end != 0) last_end_ = from + r.last_end;
    lines_ += r.lines;
    line_open_ = line_open_ && r.lines == 0;
    left -= r.stopped_at;
    if (by_lines && (lines_left_ -= r.lines) == 0) seal_batch();
  }
}

void receiver::seal_full_buffer() {
  if (last_end_ != 0) {
    seal_chunk(last_end_);
    return;
  }
  // One line fills the whole buffer. Cut after its last whitespace byte so no word is split; a word
  // longer than the buffer is cut at a UTF-8 unit boundary. The line is still counted once, at its end.
  const std::uint8_t* p = chunk_;
  std::size_t cut = filled_;
  while (cut > 0 && !is_ascii_space(p[cut - 1])) --cut;
  if (cut == 0) {
    // Move the buffer's last unit, which may be incomplete, to the next chunk: cut before its first byte.
    cut = filled_;
    if (p[cut - 1] >= 0x80) {
      std::size_t back = 1;
      while (back < 4 && back < filled_ && is_continuation(p[filled_ - back])) ++back;
      if (back < filled_) cut = filled_ - back;
    }
    spdlog::warn("a word longer than the {} byte buffer was split (use a larger --buffer-mb)", ring_.buffer_bytes());
  } else {
    spdlog::warn("a line longer than the {} byte buffer: counting it in parts", ring_.buffer_bytes());
  }
  line_open_ = true;  // even when the cut leaves none of it in the buffer
  seal_chunk(cut);
}

void receiver::end_of_connection() {
  // The last line of a connection is complete even without a line end (BufferedReader at EOF), and a
  // chunk never spans two connections: their bytes must not decode or split together.
  if (log_ != nullptr && !replaying_) log_->append_connection_end();
  const bool partial_line = filled_ > last_end_ || line_open_;
  line_open_ = false;
  if (partial_line) ++lines_;
  last_end_ = filled_;
  scanner_.reset();
  seal_chunk(filled_);
  if (partial_line && policy_.lines_per_batch != 0 && --lines_left_ == 0) seal_batch();
}

void receiver::drop_open_line() {
  if (line_open_) {
    // Parts of a line longer than a buffer went to the engine already: it ends here, as at a close.
    end_of_connection();
    return;
  }
  seal_chunk(last_end_);
  if (filled_ != 0) spdlog::warn("dropping {} bytes of an unterminated line whose rest was never read", filled_);
  filled_ = 0;
  last_end_ = 0;
  scanner_.reset();
}

// The next bytes of the stream, appended to the open chunk: read into its buffer, or (mapped) the
// mapping's next bytes taken as they are.
read_result receiver::read_more(steady_time deadline) {
  const std::size_t room = ring_.buffer_bytes() - filled_;
  if (mapped_.empty()) return source_.read({buffer_->data() + filled_, std::min(max_read_bytes, room)}, deadline);
  const auto left = static_cast<std::size_t>(mapped_.data() + mapped_.size() - (chunk_ + filled_));
  if (left == 0) return {read_status::finished};
  return {read_status::data, std::min(room, left)};
}

void receiver::run() {
  if (mapped_.empty()) yield_cores_to_counting();
  try {
    buffer_ = ring_.acquire();
    chunk_ = mapped_.empty() ? buffer_->data() : mapped_.data();
    if (log_ != nullptr) replay_log();
    const bool by_time = policy_.lines_per_batch == 0;
    for (;;) {
      if (stop_.load()) {
        // The rest of an unterminated line is unread, in the socket: a piece of it is no line (Spark's
        // receiver, stopped, drops it too). The log keeps it, and the next start drops it again.
        drop_open_line();
        seal_batch();
        break;
      }
      auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
      if (by_time) {
        const std::int64_t now = wall_clock_ms();
        if (now >= next_batch_ms_) {
          seal_batch();
          continue;
        }
        deadline = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(next_batch_ms_ - now));
      }
      if (filled_ == ring_.buffer_bytes()) {
        seal_full_buffer();
        continue;
      }
      const read_result r = read_more(deadline);
      if (r.status == read_status::data) {
        ++reads_;
        received_bytes_ += r.bytes;
        if (log_ != nullptr) log_->append_data({chunk_ + filled_, r.bytes});  // flushed before it can be counted
        on_data(r.bytes);
        source_.check();  // before a chunk holding unreadable (zeroed) bytes can be sealed
      } else if (r.status == read_status::closed) {
        end_of_connection();
      } else if (r.status == read_status::finished) {
        end_of_connection();
        if (by_time) {
          // The batch in progress closes at its boundary, like any other.
          while (!stop_.load() && wall_clock_ms() < next_batch_ms_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(50, next_batch_ms_ - wall_clock_ms())));
          }
          seal_batch();
        } else if (lines_left_ != policy_.lines_per_batch || batch_bytes_ != 0) {
          seal_batch();
        }
        break;
      }
    }
  } catch (const std::exception& e) {
    error_ = e.what();
  }
  // What this thread cost: with a write-ahead log, most of the log's work is here.
  spdlog::info("receiver: {:.2f} MB in {} reads, {:.3f} s CPU", received_bytes_ / 1e6, reads_, thread_cpu_seconds());
  ring_.release(buffer_);
  out_.push({ingest_event::kind::finished, nullptr, nullptr, 0, 0, 0, std::chrono::steady_clock::now()});
}

}  // namespace wcs
