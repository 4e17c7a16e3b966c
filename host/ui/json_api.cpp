#include "host/ui/json_api.hpp"

#include <nlohmann/json.hpp>

namespace wcs {
namespace {

using json = nlohmann::ordered_json;

json batch_json(const batch_stats& b) {
  const double processing_ms = b.processing_s * 1e3, delay_ms = b.scheduling_delay_s * 1e3;
  return {{"batch_ms", b.batch_ms},       {"lines", b.lines},
          {"words", b.words},             {"distinct", b.distinct},
          {"bytes", b.bytes},             {"processing_ms", processing_ms},
          {"scheduling_delay_ms", delay_ms}, {"total_delay_ms", processing_ms + delay_ms}};
}

// Words are valid UTF-8 (the tokenizer replaced malformed bytes); `replace` only guards the encoder.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string status_json(const metrics_snapshot& s) {
  json views = json::array();
  for (const view_top& v : s.views) {
    json top = json::array();
    for (const auto& [word, count] : v.top) top.push_back({word, count});
    views.push_back({{"mode", v.mode}, {"batch_ms", v.batch_ms}, {"records", v.records}, {"top", std::move(top)}});
  }
  json j = {
      {"source", s.info.source},
      {"batch_interval_ms", s.info.batch_ms},
      {"batch_lines", s.info.batch_lines},
      {"receiver", {{"connected", s.connected}, {"restarts", s.restarts}, {"bytes", s.received_bytes}}},
      {"totals", {{"batches", s.batches}, {"lines", s.lines}, {"words", s.words}, {"bytes", s.bytes},
                  {"checkpoints", s.checkpoints}}},
      {"dictionary_words", s.dictionary_words},
      {"resident_memory_bytes", s.resident_bytes},
      {"last_batch", s.recent.empty() ? json(nullptr) : batch_json(s.recent.back())},
      {"views", std::move(views)},
  };
  return dump(j);
}

std::string batches_json(const metrics_snapshot& s) {
  json batches = json::array();
  for (const batch_stats& b : s.recent) batches.push_back(batch_json(b));
  return dump(json{{"batch_interval_ms", s.info.batch_ms}, {"batches", std::move(batches)}});
}

}  // namespace wcs
