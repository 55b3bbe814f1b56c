#pragma once

#include <stdexcept>
#include <string>

namespace espalier::core {

/// Bad input from the user: a file, key, layer name or value that cannot be used.
/// The message names what is wrong; the CLI maps it to exit code 2.
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Thrown out of Session::run when the user stopped the run; not a failure.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled by the user") {}
};

/// A data-parallel run lost a peer: it stopped, never joined, or did not answer within the
/// timeout. The message names this rank, the master and the operation that failed.
class DistributedError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace espalier::core
