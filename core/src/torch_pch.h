#pragma once
// Precompiled for every core translation unit (see core/CMakeLists.txt).
#include <torch/script.h>
#include <torch/torch.h>
