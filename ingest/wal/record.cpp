#include "ingest/wal/record.hpp"

// The build for this CPU (AVX2, AVX-512), chosen at run time: Debian builds xxHash for plain x86-64.
#include <xxh_x86dispatch.h>

#include <cstring>
#include <new>


namespace wcs::wal {
namespace {

template <class T>
void put(std::uint8_t* at, T v) {
  std::memcpy(at, &v, sizeof v);
}

template <class T>
T get(const std::uint8_t* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

}  // namespace

std::uint64_t payload_hash(std::span<const std::uint8_t> payload) { return XXH3_64bits(payload.data(), payload.size()); }

std::uint64_t record_checksum(std::span<const std::uint8_t, record_header_bytes> header, std::uint64_t payload_hash) {
  return XXH3_64bits_withSeed(&payload_hash, sizeof payload_hash, get<std::uint64_t>(header.data()));
}

record_frame frame_record(kind k, std::size_t payload_bytes, std::uint64_t payload_hash) {
  record_frame f{};
  put(f.header, static_cast<std::uint32_t>(payload_bytes));
  f.header[4] = static_cast<std::uint8_t>(k);
  put(f.trailer, record_checksum(f.header, payload_hash));
  return f;
}

record_frame frame_record(kind k, std::span<const std::uint8_t> payload) {
  return frame_record(k, payload.size(), payload_hash(payload));
}

payload_hasher::payload_hasher() : state_(XXH3_createState()) {
  if (!state_) throw std::bad_alloc();
  reset();
}

void payload_hasher::free_state::operator()(XXH3_state_s* s) const { XXH3_freeState(s); }

void payload_hasher::reset() { XXH3_64bits_reset(state_.get()); }
void payload_hasher::add(std::span<const std::uint8_t> part) { XXH3_64bits_update(state_.get(), part.data(), part.size()); }
std::uint64_t payload_hasher::hash() const { return XXH3_64bits_digest(state_.get()); }

void append_record(std::string& out, kind k, std::span<const std::uint8_t> payload) {
  const record_frame f = frame_record(k, payload);
  out.append(reinterpret_cast<const char*>(f.header), sizeof f.header);
  out.append(reinterpret_cast<const char*>(payload.data()), payload.size());
  out.append(reinterpret_cast<const char*>(f.trailer), sizeof f.trailer);
}

std::string segment_payload(const segment_header& h, std::span<const std::uint8_t> carried) {
  std::string p(24, '\0');
  auto* at = reinterpret_cast<std::uint8_t*>(p.data());
  put(at, h.first_batch_ms);
  put(at + 8, h.interval_ms);
  put(at + 16, h.flags);
  p.append(reinterpret_cast<const char*>(carried.data()), carried.size());
  return p;
}

parse_result parse_record(std::span<const std::uint8_t> bytes) {
  parse_result r;
  if (bytes.size() < record_header_bytes) return r;
  const auto size = get<std::uint32_t>(bytes.data());
  const std::uint8_t k = bytes[4];
  if (size > max_payload_bytes || k < static_cast<std::uint8_t>(kind::segment) || k > static_cast<std::uint8_t>(kind::padding) ||
      bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
    r.status = parse_status::corrupt;
    r.why = "invalid record header";
    return r;
  }
  const std::size_t total = record_header_bytes + size + record_trailer_bytes;
  if (bytes.size() < total) return r;
  const auto payload = bytes.subspan(record_header_bytes, size);
  if (record_checksum(bytes.first<record_header_bytes>(), payload_hash(payload)) != get<std::uint64_t>(bytes.data() + record_header_bytes + size)) {
    r.status = parse_status::corrupt;
    r.why = "checksum mismatch";
    return r;
  }
  r.status = parse_status::ok;
  r.rec = {static_cast<kind>(k), payload};
  r.bytes = total;
  return r;
}

bool decode_segment(std::span<const std::uint8_t> payload, segment_header& h, std::span<const std::uint8_t>& carried) {
  if (payload.size() < 24) return false;
  h.first_batch_ms = get<std::int64_t>(payload.data());
  h.interval_ms = get<std::int64_t>(payload.data() + 8);
  h.flags = get<std::uint32_t>(payload.data() + 16);
  carried = payload.subspan(24);
  return h.interval_ms > 0 && get<std::uint32_t>(payload.data() + 20) == 0 && (h.flags & ~3u) == 0;
}

bool decode_batch_end(std::span<const std::uint8_t> payload, std::int64_t& batch_ms) {
  if (payload.size() != 8) return false;
  batch_ms = get<std::int64_t>(payload.data());
  return true;
}

}  // namespace wcs::wal
