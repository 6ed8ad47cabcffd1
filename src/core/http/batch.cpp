// SPDX-License-Identifier: MIT
#include "core/http/batch.hpp"

#include "core/http/batch_threaded.hpp"

namespace hooks::http {

Result<void> run_batch(const Url& origin, BatchDriver& driver, const BatchOptions& options) {
    return run_batch_threaded(origin, driver, options);
}

} // namespace hooks::http
