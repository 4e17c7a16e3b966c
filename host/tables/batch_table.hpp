#pragma once
// One batch's reduceByKey result, keyed by dictionary id (sparse: only the words the batch holds).
#include <cstdint>
#include <memory>
#include <vector>

namespace wcs {

// A batch's (id, count) entries in host memory, in no order.
struct host_entries {
  std::vector<std::uint32_t> ids;
  std::vector<std::uint64_t> counts;

  std::size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    counts.clear();
  }
};

// The same entries where the backend computes (device memory), left there by the backend that made
// them so its count tables apply them without an upload. Only that backend's tables read them; anyone
// else asks for a host copy, which is the only time they cross the bus.
class resident_batch {
 public:
  virtual ~resident_batch() = default;
  virtual std::size_t size() const = 0;
  // Every entry (out resized).
  virtual void download(host_entries& out) const = 0;
  // The entries that may be among the first `num` records (see count_table::collect_top): those whose
  // count reaches the num-th largest count, all of them when at most num.
  virtual void download_top(std::size_t num, host_entries& out) const = 0;
};

// A batch's entries in host memory, or in device memory with the host copy made on first demand:
// host() is the only way to read them on the host, so no reader can forget the copy. Not thread-safe
// (the copy is made inside a const call).
class batch_table {
 public:
  std::int64_t batch_ms = 0;

  std::size_t size() const { return host_ready_ ? host_.size() : resident_->size(); }

  // The entries in host memory, copied back from the device the first time they are asked for.
  const host_entries& host() const {
    if (!host_ready_) fetch();
    return host_;
  }

  // The entries for writing (a backend or a reader filling the table, a compaction renumbering it):
  // fetched if need be, and the device copy is dropped, since it would no longer match.
  host_entries& edit_host() {
    if (!host_ready_) fetch();
    resident_.reset();
    return host_;
  }

  // Null on the CPU backend, and once the ids were renumbered on the host only (dictionary compaction).
  const std::shared_ptr<const resident_batch>& resident() const { return resident_; }

  // The entries are `r`'s, in device memory (the host copy is made on demand).
  void set_resident(std::shared_ptr<const resident_batch> r) {
    host_.clear();
    resident_ = std::move(r);
    host_ready_ = resident_ == nullptr;
  }

  // Becomes a copy of `b`, reusing this table's buffers: device entries are shared, and the host copy
  // is copied only when there are none (or when b fetched it already, saving a second download).
  void assign(const batch_table& b) {
    batch_ms = b.batch_ms;
    resident_ = b.resident_;
    host_ready_ = b.host_ready_;
    if (host_ready_) {
      host_.ids.assign(b.host_.ids.begin(), b.host_.ids.end());
      host_.counts.assign(b.host_.counts.begin(), b.host_.counts.end());
    } else {
      host_.clear();
    }
  }

  // The entries that may be among the first `num` records (see count_table::collect_top): this table
  // when its host copy is here, else only those entries, copied back into `scratch`.
  const batch_table& top(std::size_t num, batch_table& scratch) const {
    if (host_ready_) return *this;
    scratch.clear();
    resident_->download_top(num, scratch.host_);
    return scratch;
  }

  void clear() {
    host_.clear();
    resident_.reset();
    host_ready_ = true;
  }

 private:
  void fetch() const {
    resident_->download(host_);
    host_ready_ = true;
  }

  mutable host_entries host_;
  std::shared_ptr<const resident_batch> resident_;
  mutable bool host_ready_ = true;  // host_ holds the entries (always when there is no resident_)
};

}  // namespace wcs
