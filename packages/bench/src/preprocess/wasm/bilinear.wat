;; Bilinear resize + normalisation kernels with 128-bit SIMD, driven from bilinear-simd.ts.
;; Regenerate bilinear-wasm-binary.ts after editing: node packages/bench/scripts/build-wasm.mjs (needs wabt's wat2wasm).
;; Memory is owned by the module and laid out by the caller; all pointers are byte offsets.
(module
  (memory (export "memory") 1)

  ;; Horizontal pass of one source row starting at $row, 3 or 4 channels. $xoff holds $width i32 byte
  ;; offsets of the left source pixel within the row, $xw the f32 weights of the right one (at +$channels bytes).
  ;; Each pixel is read as bytes widened to lanes (R, G, B and one more), interpolated as f32x4, then scaled
  ;; and offset per lane by the two f32x4 at $affine (the folded /255, mean, std). R, G, B go to three planar
  ;; rows of $width floats at $dst, $dst + 4 $width, $dst + 8 $width. Reads 8 bytes per pixel:
  ;; needs 8 readable bytes past the last pixel.
  (func (export "resampleRow")
    (param $row i32) (param $channels i32) (param $xoff i32) (param $xw i32) (param $width i32) (param $dst i32)
    (param $affine i32)
    (local $i i32) (local $end i32) (local $p i32) (local $o i32) (local $plane i32)
    (local $a v128) (local $b v128) (local $v v128) (local $scale v128) (local $offset v128)
    (local.set $scale (v128.load (local.get $affine)))
    (local.set $offset (v128.load offset=16 (local.get $affine)))
    (local.set $plane (i32.shl (local.get $width) (i32.const 2)))
    (local.set $end (i32.shl (local.get $width) (i32.const 2)))
    (local.set $o (local.get $dst))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (i32.add (local.get $row) (i32.load (i32.add (local.get $xoff) (local.get $i)))))
        (local.set $a (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (v128.load8x8_u (local.get $p)))))
        (local.set $b
          (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (v128.load8x8_u (i32.add (local.get $p) (local.get $channels))))))
        (local.set $v
          (f32x4.add (local.get $a)
            (f32x4.mul (f32x4.sub (local.get $b) (local.get $a)) (f32x4.splat (f32.load (i32.add (local.get $xw) (local.get $i)))))))
        (local.set $v (f32x4.add (f32x4.mul (local.get $v) (local.get $scale)) (local.get $offset)))
        (v128.store32_lane 0 (local.get $o) (local.get $v))
        (v128.store32_lane 1 (i32.add (local.get $o) (local.get $plane)) (local.get $v))
        (v128.store32_lane 2 (i32.add (local.get $o) (i32.shl (local.get $plane) (i32.const 1))) (local.get $v))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $next))))

  ;; Vertical pass for one output row: for each of the three planes, out[i] = a[i] + (b[i] - a[i]) * $fy over
  ;; $count floats, four at a time. $a and $b are planar rows (R, G, B, $count floats each); the output planes
  ;; are $plane bytes apart. $count must be a multiple of 4 and all pointers 16-byte aligned.
  (func (export "blendRows")
    (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $fy f32) (param $plane i32)
    (local $i i32) (local $end i32) (local $c i32) (local $w v128) (local $va v128)
    (local.set $w (f32x4.splat (local.get $fy)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (loop $channel
      (local.set $i (i32.const 0))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $va (v128.load (i32.add (local.get $a) (local.get $i))))
          (v128.store (i32.add (local.get $out) (local.get $i))
            (f32x4.add (local.get $va)
              (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $b) (local.get $i))) (local.get $va)) (local.get $w))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $next)))
      (local.set $a (i32.add (local.get $a) (local.get $end)))
      (local.set $b (i32.add (local.get $b) (local.get $end)))
      (local.set $out (i32.add (local.get $out) (local.get $plane)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $channel (i32.lt_u (local.get $c) (i32.const 3)))))
)
