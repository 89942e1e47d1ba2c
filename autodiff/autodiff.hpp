// Everything in tapegrad's reverse-mode engine: #include "autodiff/autodiff.hpp".
#pragma once

#include "autodiff/blas.hpp"
#include "autodiff/broadcast.hpp"
#include "autodiff/define_op.hpp"
#include "autodiff/engine.hpp"
#include "autodiff/error.hpp"
#include "autodiff/grad_mode.hpp"
#include "autodiff/gradcheck.hpp"
#include "autodiff/graphviz.hpp"
#include "autodiff/ops/arithmetic.hpp"
#include "autodiff/ops/linalg.hpp"
#include "autodiff/ops/math.hpp"
#include "autodiff/ops/reduce.hpp"
#include "autodiff/ops/shape.hpp"
#include "autodiff/ops/softmax.hpp"
#include "autodiff/tensor.hpp"
#include "autodiff/variable.hpp"
