#include "textflag.h"

// func dotRowsAVX2(q, m *float32, n, stride, rows int, out *float32)
//
// Rows are taken four at a time so that each load of q feeds four fused
// multiply-adds; two sets of four accumulators hide the FMA latency.
TEXT ·dotRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	MOVQ stride+24(FP), R8
	SHLQ $2, R8
	MOVQ rows+32(FP), DX
	MOVQ out+40(FP), BX

rows4:
	CMPQ DX, $4
	JL   rows1
	LEAQ (DI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	XORQ AX, AX

loop16:
	LEAQ 64(AX), R12
	CMPQ R12, CX
	JG   tail8
	VMOVUPS     (SI)(AX*1), Y8
	VMOVUPS     32(SI)(AX*1), Y9
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS (R9)(AX*1), Y8, Y1
	VFMADD231PS (R10)(AX*1), Y8, Y2
	VFMADD231PS (R11)(AX*1), Y8, Y3
	VFMADD231PS 32(DI)(AX*1), Y9, Y4
	VFMADD231PS 32(R9)(AX*1), Y9, Y5
	VFMADD231PS 32(R10)(AX*1), Y9, Y6
	VFMADD231PS 32(R11)(AX*1), Y9, Y7
	MOVQ R12, AX
	JMP  loop16

tail8:
	CMPQ AX, CX
	JGE  reduce4
	VMOVUPS     (SI)(AX*1), Y8
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS (R9)(AX*1), Y8, Y1
	VFMADD231PS (R10)(AX*1), Y8, Y2
	VFMADD231PS (R11)(AX*1), Y8, Y3

reduce4:
	VADDPS       Y4, Y0, Y0
	VADDPS       Y5, Y1, Y1
	VADDPS       Y6, Y2, Y2
	VADDPS       Y7, Y3, Y3
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VMOVUPS      X0, (BX)
	ADDQ         $16, BX
	LEAQ         (R11)(R8*1), DI
	SUBQ         $4, DX
	JMP          rows4

rows1:
	TESTQ DX, DX
	JZ    done
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX

loop32:
	LEAQ 128(AX), R12
	CMPQ R12, CX
	JG   loop8
	VMOVUPS     (SI)(AX*1), Y8
	VMOVUPS     32(SI)(AX*1), Y9
	VMOVUPS     64(SI)(AX*1), Y10
	VMOVUPS     96(SI)(AX*1), Y11
	VFMADD231PS (DI)(AX*1), Y8, Y0
	VFMADD231PS 32(DI)(AX*1), Y9, Y1
	VFMADD231PS 64(DI)(AX*1), Y10, Y2
	VFMADD231PS 96(DI)(AX*1), Y11, Y3
	MOVQ R12, AX
	JMP  loop32

loop8:
	CMPQ AX, CX
	JGE  reduce1
	VMOVUPS     (SI)(AX*1), Y8
	VFMADD231PS (DI)(AX*1), Y8, Y0
	ADDQ $32, AX
	JMP  loop8

reduce1:
	VADDPS       Y1, Y0, Y0
	VADDPS       Y3, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VMOVSS       X0, (BX)
	ADDQ         $4, BX
	ADDQ         R8, DI
	DECQ         DX
	JMP          rows1

done:
	VZEROUPPER
	RET

// func dotCodesAVX2(q *int16, codes *int8, n, rows int, out *int32)
//
// Codes are sign-extended to 16 bits and multiplied with the widened query by
// VPMADDWD, which adds adjacent products into 32-bit lanes: with codes in
// [-127, 127] and the query within ±4095 no lane can overflow.
TEXT ·dotCodesAVX2(SB), NOSPLIT, $0-40
	MOVQ q+0(FP), SI
	MOVQ codes+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ rows+24(FP), DX
	MOVQ out+32(FP), BX

row:
	TESTQ DX, DX
	JZ    cdone
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	XORQ  AX, AX

c32:
	LEAQ 32(AX), R12
	CMPQ R12, CX
	JG   c16
	VPMOVSXBW (DI)(AX*1), Y4
	VPMOVSXBW 16(DI)(AX*1), Y5
	VPMADDWD  (SI)(AX*2), Y4, Y4
	VPMADDWD  32(SI)(AX*2), Y5, Y5
	VPADDD    Y4, Y0, Y0
	VPADDD    Y5, Y1, Y1
	MOVQ      R12, AX
	JMP       c32

c16:
	CMPQ AX, CX
	JGE  creduce
	VPMOVSXBW (DI)(AX*1), Y4
	VPMADDWD  (SI)(AX*2), Y4, Y4
	VPADDD    Y4, Y0, Y0

creduce:
	VPADDD       Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0x4E, X0, X1
	VPADDD       X1, X0, X0
	VPSHUFD      $0xB1, X0, X1
	VPADDD       X1, X0, X0
	VMOVD        X0, (BX)
	ADDQ         $4, BX
	ADDQ         CX, DI
	DECQ         DX
	JMP          row

cdone:
	VZEROUPPER
	RET

// func dotRowsHalfAVX2(q *float32, m *uint16, n, rows int, out *float32)
//
// Like dotRowsAVX2, four rows at a time, with each row's eight halves
// widened by VCVTPH2PS before the fused multiply-add.
TEXT ·dotRowsHalfAVX2(SB), NOSPLIT, $0-40
	MOVQ q+0(FP), SI
	MOVQ m+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ rows+24(FP), DX
	MOVQ out+32(FP), BX
	MOVQ CX, R8
	SHLQ $1, R8

hrows4:
	CMPQ DX, $4
	JL   hrows1
	LEAQ (DI)(R8*1), R9
	LEAQ (R9)(R8*1), R10
	LEAQ (R10)(R8*1), R11
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX

hloop4:
	CMPQ        AX, CX
	JGE         hreduce4
	VMOVUPS     (SI)(AX*4), Y8
	VCVTPH2PS   (DI)(AX*2), Y4
	VCVTPH2PS   (R9)(AX*2), Y5
	VCVTPH2PS   (R10)(AX*2), Y6
	VCVTPH2PS   (R11)(AX*2), Y7
	VFMADD231PS Y4, Y8, Y0
	VFMADD231PS Y5, Y8, Y1
	VFMADD231PS Y6, Y8, Y2
	VFMADD231PS Y7, Y8, Y3
	ADDQ        $8, AX
	JMP         hloop4

hreduce4:
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VMOVUPS      X0, (BX)
	ADDQ         $16, BX
	LEAQ         (R11)(R8*1), DI
	SUBQ         $4, DX
	JMP          hrows4

hrows1:
	TESTQ  DX, DX
	JZ     hdone
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	XORQ   AX, AX

hloop16:
	LEAQ        16(AX), R12
	CMPQ        R12, CX
	JG          hloop8
	VCVTPH2PS   (DI)(AX*2), Y4
	VCVTPH2PS   16(DI)(AX*2), Y5
	VFMADD231PS (SI)(AX*4), Y4, Y0
	VFMADD231PS 32(SI)(AX*4), Y5, Y1
	MOVQ        R12, AX
	JMP         hloop16

hloop8:
	CMPQ        AX, CX
	JGE         hreduce1
	VCVTPH2PS   (DI)(AX*2), Y4
	VFMADD231PS (SI)(AX*4), Y4, Y0
	ADDQ        $8, AX

hreduce1:
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VMOVSS       X0, (BX)
	ADDQ         $4, BX
	ADDQ         R8, DI
	DECQ         DX
	JMP          hrows1

hdone:
	VZEROUPPER
	RET

// func halfToFloatAVX2(src *uint16, dst *float32, n int)
TEXT ·halfToFloatAVX2(SB), NOSPLIT, $0-24
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ n+16(FP), CX
	XORQ AX, AX

cvt8:
	CMPQ      AX, CX
	JGE       cvtdone
	VCVTPH2PS (SI)(AX*2), Y0
	VMOVUPS   Y0, (DI)(AX*4)
	ADDQ      $8, AX
	JMP       cvt8

cvtdone:
	VZEROUPPER
	RET
