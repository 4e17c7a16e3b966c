#pragma once
// /api/v1/status and /api/v1/batches: a snapshot as JSON (docs/ui.md lists the fields).
#include <string>

#include "host/ui/stream_metrics.hpp"

namespace wcs {

std::string status_json(const metrics_snapshot& s);
std::string batches_json(const metrics_snapshot& s);

}  // namespace wcs
