// SPDX-License-Identifier: MIT
/// The request `replay` sends for a recorded delivery: as captured, or signed afresh.
#pragma once

#include "core/error.hpp"
#include "core/http/client.hpp"
#include "core/log/record.hpp"
#include "core/providers/scheme.hpp"

#include <span>
#include <string>

namespace hooks::replay {

/// The recorded request re-addressed to `destination`: method and body byte-exact; the
/// target is the destination's path when its URL names one, else the recorded target; headers
/// in recorded order with their recorded case, except that hop-by-hop and framing headers
/// (message::is_hop_by_hop()) are dropped, Host is set to the destination's authority (in its
/// recorded place, or added), and a Content-Length is corrected to the body's length (the
/// client adds one when there is none). Trailer fields are kept, to go after a chunked body.
message::Message captured_request(const log::Record& record, const http::Url& destination);

/// Signs `request` afresh for `scheme` with delivery id `id` at `timestamp`: the scheme's
/// headers replace those of the same name in place (later duplicates are removed) and the
/// others are appended; trailer fields of those names are removed. `url` is the full URL the
/// request goes to (Twilio signs it). Fails when a secret cannot be used.
Result<void> sign_again(message::Message& request, const providers::Scheme& scheme,
                        std::span<const providers::Secret> secrets, const std::string& id,
                        providers::UnixMillis timestamp, const std::string& url);

/// Sets `header` in place of the first header of its name, removing any others of that name;
/// appends it when there is none.
void replace_header(std::vector<message::Header>& headers, const message::Header& header);

} // namespace hooks::replay
