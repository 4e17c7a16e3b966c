#pragma once
// /metrics: a snapshot in the Prometheus text exposition format (version 0.0.4), named by Prometheus'
// conventions: the wcstream_ prefix, base units (seconds, bytes), _total on counters.
#include <string>

#include "host/ui/stream_metrics.hpp"

namespace wcs {

std::string prometheus_text(const metrics_snapshot& s);

}  // namespace wcs
