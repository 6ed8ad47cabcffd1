// SPDX-License-Identifier: MIT
/// How every answer of the inspector is dressed: its content type and the security headers
/// (a Content-Security-Policy that allows only the page's own origin, nosniff, no framing, no
/// referrer, no caching).
#pragma once

#include "core/http/server.hpp"

#include <string>
#include <string_view>

namespace hooks::inspect {

/// `response` with Content-Type and the security headers put first.
http::Response with_headers(http::Response response, std::string_view content_type);

/// A JSON answer of `status` with `body` (already JSON).
http::Response json_response(int status, std::string body);

/// {"error": "message"} with `status`.
http::Response error_response(int status, std::string_view message);

} // namespace hooks::inspect
