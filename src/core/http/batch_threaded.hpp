// SPDX-License-Identifier: MIT
/// The simple batch engine: one blocking http::Client per connection, each on its own thread.
/// run_batch() uses it where the asynchronous engine does not reach (https).
#pragma once

#include "core/http/batch.hpp"

namespace hooks::http {

/// run_batch() over `options.concurrency` threads, each with its own Client (cpp-httplib);
/// same contract.
Result<void> run_batch_threaded(const Url& origin, BatchDriver& driver,
                                const BatchOptions& options);

} // namespace hooks::http
