// SPDX-License-Identifier: MIT
/// Delivery log lines as earlier versions of the writer wrote them, for the readers' tests.
#pragma once

#include "core/log/record.hpp"

#include <string>

namespace hooks::testing {

/// The record as hooks 0.1.0's log::to_json_line wrote it, version 1, '\n' included: v (1),
/// seq, id, received_at, remote, method, target, headers, body_b64, body_len, body_sha256,
/// body_text (only when the body is valid UTF-8), verify, response. Made from today's version 2
/// line; tests/core/log/reader_test.cpp checks it against tests/data/log/v1.jsonl.
std::string to_v1_json_line(const log::Record& record);

} // namespace hooks::testing
