#include "ingest/wal/record.hpp"

// The build for this CPU (AVX2, AVX-512), chosen at run time: Debian builds xxHash for plain x86-64.
#include <xxh_x86dispatch.h>

#include <cstring>


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

std::uint64_t checksum(const std::uint8_t* header, std::span<const std::uint8_t> payload) {
  return XXH3_64bits_withSeed(payload.data(), payload.size(), get<std::uint64_t>(header));
}

}  // namespace

record_frame frame_record(kind k, std::span<const std::uint8_t> payload) {
  record_frame f{};
  put(f.header, static_cast<std::uint32_t>(payload.size()));
  f.header[4] = static_cast<std::uint8_t>(k);
  put(f.trailer, checksum(f.header, payload));
  return f;
}

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
  if (size > max_payload_bytes || k < static_cast<std::uint8_t>(kind::segment) || k > static_cast<std::uint8_t>(kind::batch_end) ||
      bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
    r.status = parse_status::corrupt;
    r.why = "invalid record header";
    return r;
  }
  const std::size_t total = record_header_bytes + size + record_trailer_bytes;
  if (bytes.size() < total) return r;
  const auto payload = bytes.subspan(record_header_bytes, size);
  if (checksum(bytes.data(), payload) != get<std::uint64_t>(bytes.data() + record_header_bytes + size)) {
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
