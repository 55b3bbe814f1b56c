#pragma once

#include <string>

#include <torch/torch.h>

#include "hdf5file.h"

namespace espalier::core {

/// Writes `tensor` as dataset `name` in its own shape with attribute `dtype` (e.g. "float32").
/// float32, float64, int64 and uint8 are stored as they are; the other dtypes are widened without
/// loss (float16/bfloat16 to float32, smaller integers to int64, bool to uint8). With
/// Compression::Auto the data is deflated only when that saves at least a tenth of its bytes.
h5::Node writeTensor(const h5::Group& group, const std::string& name, const torch::Tensor& tensor,
                     h5::Compression compression = h5::Compression::Auto);

/// Reads a dataset written by writeTensor back in its original dtype and shape. Throws (InputError
/// for a user's file) naming the dataset when the dtype is unknown.
torch::Tensor readTensor(const h5::Group& group, const std::string& name);

/// Deflate when it saves at least a tenth of `bytes` bytes at `data`, otherwise none (a chunked,
/// compressed layout costs more than it saves on small or incompressible data such as weights).
h5::Compression compressionFor(const void* data, std::size_t bytes);

} // namespace espalier::core
