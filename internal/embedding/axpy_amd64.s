#include "textflag.h"

// func axpyInt8AVX2(alpha float32, x *int8, y *float32, n int)
//
// Eight at a time: widen eight int8 to int32, convert to float, and add
// alpha times them to y with one fused multiply-add.
TEXT ·axpyInt8AVX2(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y0
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX
	SHRQ         $3, CX
	JZ           done

loop:
	VPMOVSXBD   (SI), Y1
	VCVTDQ2PS   Y1, Y1
	VMOVUPS     (DI), Y2
	VFMADD231PS Y1, Y0, Y2
	VMOVUPS     Y2, (DI)
	ADDQ        $8, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         loop

done:
	VZEROUPPER
	RET
