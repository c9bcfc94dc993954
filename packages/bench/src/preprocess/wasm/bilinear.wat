;; Bilinear resize + normalisation kernels with 128-bit SIMD, driven from bilinear-simd.ts.
;; Regenerate bilinear-wasm-binary.ts after editing: node packages/bench/scripts/build-wasm.mjs (needs wabt's wat2wasm).
;; Memory is owned by the module and laid out by the caller; all pointers are byte offsets.
(module
  (memory (export "memory") 1)

  ;; Horizontal pass of one source row starting at $row (3 or 4 interleaved channels), four output pixels per
  ;; iteration, in fixed point. $xoff holds $width i32 byte offsets of each output pixel's left source pixel
  ;; within the row (its right one is $channels bytes further on); $xw holds, per group of four output pixels,
  ;; eight i16 weights (left, right of each pixel, Q14: they sum to 16384).
  ;; One 8-byte load per output pixel holds both source pixels; a swizzle and an unpack sort the bytes into
  ;; (left, right) pairs per channel, and one i32x4.dot_i16x8_s per channel gives four interpolated values,
  ;; exact integers scaled by 16384, below 2^24 so exact in f32 too (the vertical pass folds the scale into the
  ;; normalisation).
  ;; Writes three planar rows (R, G, B) of $width f32 at $dst, $dst + 4 $width, $dst + 8 $width.
  ;; $width must be a multiple of 4 and $dst 16-byte aligned; needs 8 readable bytes past the last source pixel.
  (func $resampleRow (export "resampleRow")
    (param $row i32) (param $channels i32) (param $xoff i32) (param $xw i32) (param $width i32) (param $dst i32)
    (local $i i32) (local $end i32) (local $plane i32) (local $o i32) (local $t i32)
    (local $pairs v128) (local $ab v128) (local $cd v128) (local $rg v128) (local $bb v128) (local $w v128)
    ;; Within the 16 bytes of two output pixels (8 each), gather R left/right of both, then G, then B; 255 -> 0.
    (local.set $pairs
      (select
        (v128.const i8x16 0 4 8 12 1 5 9 13 2 6 10 14 255 255 255 255)
        (v128.const i8x16 0 3 8 11 1 4 9 12 2 5 10 13 255 255 255 255)
        (i32.eq (local.get $channels) (i32.const 4))))
    (local.set $plane (i32.shl (local.get $width) (i32.const 2)))
    (local.set $end (local.get $plane))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (i32.add (local.get $xoff) (local.get $i)))
        (local.set $ab
          (v128.load64_lane 1 (i32.add (local.get $row) (i32.load offset=4 (local.get $t)))
            (v128.load64_zero (i32.add (local.get $row) (i32.load (local.get $t))))))
        (local.set $cd
          (v128.load64_lane 1 (i32.add (local.get $row) (i32.load offset=12 (local.get $t)))
            (v128.load64_zero (i32.add (local.get $row) (i32.load offset=8 (local.get $t))))))
        (local.set $ab (i8x16.swizzle (local.get $ab) (local.get $pairs)))
        (local.set $cd (i8x16.swizzle (local.get $cd) (local.get $pairs)))
        ;; R pairs of the four pixels in bytes 0-7, G pairs in 8-15; B pairs in bytes 0-7 of $bb.
        (local.set $rg
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $ab) (local.get $cd)))
        (local.set $bb
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $ab) (local.get $cd)))
        (local.set $w (v128.load (i32.add (local.get $xw) (local.get $i))))
        (local.set $o (i32.add (local.get $dst) (local.get $i)))
        (v128.store (local.get $o)
          (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $rg)) (local.get $w))))
        (v128.store (i32.add (local.get $o) (local.get $plane))
          (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_u (local.get $rg)) (local.get $w))))
        (v128.store (i32.add (local.get $o) (i32.shl (local.get $plane) (i32.const 1)))
          (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_u (local.get $bb)) (local.get $w))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; Vertical pass and normalisation for one output row: for each of the three planes c,
  ;; out[i] = a[i] * (1 - $fy) scale[c] + b[i] * $fy scale[c] + offset[c] over $count floats, four at a time.
  ;; $affine holds scale[0..2] at +0 and offset[0..2] at +16 (f32; scale includes the 1/16384 of the
  ;; horizontal pass). $a and $b are planar rows (R, G, B, $count floats each); the output planes are $plane
  ;; bytes apart. $count must be a multiple of 4 and all pointers 16-byte aligned.
  (func $blendRows (export "blendRows")
    (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $fy f32) (param $plane i32)
    (param $affine i32)
    (local $i i32) (local $end i32) (local $end64 i32) (local $c i32) (local $scale f32)
    (local $pa i32) (local $pb i32) (local $po i32)
    (local $ka v128) (local $kb v128) (local $offset v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (loop $channel
      (local.set $scale (f32.load (i32.add (local.get $affine) (i32.shl (local.get $c) (i32.const 2)))))
      (local.set $ka (f32x4.splat (f32.mul (local.get $scale) (f32.sub (f32.const 1) (local.get $fy)))))
      (local.set $kb (f32x4.splat (f32.mul (local.get $scale) (local.get $fy))))
      (local.set $offset
        (f32x4.splat (f32.load offset=16 (i32.add (local.get $affine) (i32.shl (local.get $c) (i32.const 2))))))
      ;; Four vectors per step while 64 bytes remain (memarg offsets fold into the addressing), then one at a time.
      (local.set $i (i32.const 0))
      (local.set $end64 (i32.and (local.get $end) (i32.const -64)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $end64)))
          (local.set $pa (i32.add (local.get $a) (local.get $i)))
          (local.set $pb (i32.add (local.get $b) (local.get $i)))
          (local.set $po (i32.add (local.get $out) (local.get $i)))
          (v128.store (local.get $po)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load (local.get $pa)) (local.get $ka))
                (f32x4.mul (v128.load (local.get $pb)) (local.get $kb)))
              (local.get $offset)))
          (v128.store offset=16 (local.get $po)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load offset=16 (local.get $pa)) (local.get $ka))
                (f32x4.mul (v128.load offset=16 (local.get $pb)) (local.get $kb)))
              (local.get $offset)))
          (v128.store offset=32 (local.get $po)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load offset=32 (local.get $pa)) (local.get $ka))
                (f32x4.mul (v128.load offset=32 (local.get $pb)) (local.get $kb)))
              (local.get $offset)))
          (v128.store offset=48 (local.get $po)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load offset=48 (local.get $pa)) (local.get $ka))
                (f32x4.mul (v128.load offset=48 (local.get $pb)) (local.get $kb)))
              (local.get $offset)))
          (local.set $i (i32.add (local.get $i) (i32.const 64)))
          (br $next)))
      (block $done
        (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
          (local.set $pa (i32.add (local.get $a) (local.get $i)))
          (local.set $pb (i32.add (local.get $b) (local.get $i)))
          (local.set $po (i32.add (local.get $out) (local.get $i)))
          (v128.store (local.get $po)
            (f32x4.add
              (f32x4.add
                (f32x4.mul (v128.load (local.get $pa)) (local.get $ka))
                (f32x4.mul (v128.load (local.get $pb)) (local.get $kb)))
              (local.get $offset)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $next)))
      (local.set $a (i32.add (local.get $a) (local.get $end)))
      (local.set $b (i32.add (local.get $b) (local.get $end)))
      (local.set $out (i32.add (local.get $out) (local.get $plane)))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $channel (i32.lt_u (local.get $c) (i32.const 3)))))

  ;; The whole resize: for each output row y, the 16-byte entry at $ytab + 16 y holds its upper and lower source
  ;; row (i32) and the lower row's weight (f32). Source rows are resampled once each into the two row buffers
  ;; $rowA and $rowB (swapped when moving down by one row), then blended into row y of the output at $out.
  ;; The same loop in JavaScript cost about 1,200 JS-to-WebAssembly calls per 512x512 frame.
  (func (export "resize")
    (param $src i32) (param $rowBytes i32) (param $channels i32) (param $xoff i32) (param $xw i32)
    (param $width i32) (param $height i32) (param $ytab i32) (param $rowA i32) (param $rowB i32) (param $out i32)
    (param $affine i32)
    (local $y i32) (local $entry i32) (local $t i32) (local $b i32) (local $upper i32) (local $lower i32)
    (local $upperRow i32) (local $lowerRow i32) (local $swap i32) (local $outRow i32) (local $plane i32)
    (local.set $upper (local.get $rowA))
    (local.set $lower (local.get $rowB))
    (local.set $upperRow (i32.const -1))
    (local.set $lowerRow (i32.const -1))
    (local.set $outRow (i32.shl (local.get $width) (i32.const 2)))
    (local.set $plane (i32.mul (local.get $outRow) (local.get $height)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $entry (i32.add (local.get $ytab) (i32.shl (local.get $y) (i32.const 4))))
        (local.set $t (i32.load (local.get $entry)))
        (local.set $b (i32.load offset=4 (local.get $entry)))
        (if (i32.ne (local.get $upperRow) (local.get $t))
          (then
            (if (i32.eq (local.get $lowerRow) (local.get $t))
              (then
                ;; Moving down by one source row: the buffered lower row becomes the upper one.
                (local.set $swap (local.get $upper))
                (local.set $upper (local.get $lower))
                (local.set $lower (local.get $swap))
                (local.set $lowerRow (i32.const -1)))
              (else
                (call $resampleRow (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $rowBytes)))
                  (local.get $channels) (local.get $xoff) (local.get $xw) (local.get $width) (local.get $upper))))
            (local.set $upperRow (local.get $t))))
        (if (i32.and (i32.ne (local.get $b) (local.get $t)) (i32.ne (local.get $lowerRow) (local.get $b)))
          (then
            (call $resampleRow (i32.add (local.get $src) (i32.mul (local.get $b) (local.get $rowBytes)))
              (local.get $channels) (local.get $xoff) (local.get $xw) (local.get $width) (local.get $lower))
            (local.set $lowerRow (local.get $b))))
        (call $blendRows (local.get $upper)
          (select (local.get $upper) (local.get $lower) (i32.eq (local.get $b) (local.get $t)))
          (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $outRow)))
          (local.get $width) (f32.load offset=8 (local.get $entry)) (local.get $plane) (local.get $affine))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $next))))
)
