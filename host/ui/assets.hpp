#pragma once
// The page's files, embedded in the binary at build time (embed_assets.cmake), so the UI works offline.
#include <span>
#include <string_view>

namespace wcs {

struct asset {
  std::string_view path;  // URL path, e.g. "/static/app.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<const asset> embedded_assets();

}  // namespace wcs
