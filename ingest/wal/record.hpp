#pragma once
// The write-ahead log's records (docs/reliability.md). A segment file is the magic "wcswal1\n", then
// records, little-endian:
//   u32 payload bytes, u8 kind, u8[3] zero, payload, u64 XXH3-64 of the payload seeded with the first
//   8 bytes (so a torn or flipped length or kind fails the check as a torn payload does).
// Payloads:
//   segment         i64 first batch ms, i64 batch interval ms, u32 flags, u32 zero, carried bytes: the
//                   bytes logged before this segment that belong to its first batch (the open line)
//   data            received bytes, one record per read
//   connection_end  (empty) the connection closed: its unterminated last line is complete
//   batch_end       i64 batch ms: the batch closed here (in by-line batching, where its line limit fell
//                   inside the data before)
#include <cstdint>
#include <span>
#include <string>

namespace wcs::wal {

inline constexpr char segment_magic[] = "wcswal1\n";
inline constexpr std::size_t magic_bytes = 8;
inline constexpr std::size_t record_header_bytes = 8;
inline constexpr std::size_t record_trailer_bytes = 8;
// Larger lengths are corruption: a data record holds one read, a segment record one ring buffer.
inline constexpr std::uint32_t max_payload_bytes = 1u << 31;

enum class kind : std::uint8_t { segment = 1, data = 2, connection_end = 3, batch_end = 4 };

enum segment_flags : std::uint32_t {
  after_cr = 1,  // the byte before the carried bytes was a '\r' (a '\n' first ends no new line)
  restart = 2,   // the engine restarted: the connection before was cut, its unterminated line is lost
};

struct segment_header {
  std::int64_t first_batch_ms = 0;
  std::int64_t interval_ms = 0;
  std::uint32_t flags = 0;
};

// The bytes of a record around its payload; the checksum needs the whole payload.
struct record_frame {
  std::uint8_t header[record_header_bytes];
  std::uint8_t trailer[record_trailer_bytes];
};
record_frame frame_record(kind k, std::span<const std::uint8_t> payload);

// Encodes a whole record (header, payload, trailer) onto `out`.
void append_record(std::string& out, kind k, std::span<const std::uint8_t> payload);
std::string segment_payload(const segment_header& h, std::span<const std::uint8_t> carried);

struct record {
  kind what = kind::data;
  std::span<const std::uint8_t> payload;
};

enum class parse_status { ok, incomplete, corrupt };

struct parse_result {
  parse_status status = parse_status::incomplete;
  record rec{};
  std::size_t bytes = 0;  // the whole record's size when ok
  std::string why;        // when corrupt
};

// Parses the record at the start of `bytes`: incomplete when they end inside it (a torn tail, or more
// must be read), corrupt when its length, kind, payload or checksum is invalid.
parse_result parse_record(std::span<const std::uint8_t> bytes);

// Decodes a segment record's payload; false when malformed. `carried` points into it.
bool decode_segment(std::span<const std::uint8_t> payload, segment_header& h, std::span<const std::uint8_t>& carried);
// Decodes a batch_end payload; false when malformed.
bool decode_batch_end(std::span<const std::uint8_t> payload, std::int64_t& batch_ms);

}  // namespace wcs::wal
