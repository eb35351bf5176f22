"""Transforms through the Python binding of transform-io: witk.Transform, itkwasm.Transform
and dicts in (float32 or float64 parameters, composite lists), lists of witk.Transform
with flat NumPy arrays (ITK-Wasm's TransformList) out; per-format functions'
(could_read, transforms) tuples; dtype TypeErrors naming the field; typed component
errors. Poly data's conversions (no pipeline carries poly data yet) without a component."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import itkwasm
import itkwasm_transform_io_wasi as itkwasm_tio
import numpy as np
import pytest
import witk_transform_io
from witk_transform_io import read_transform, write_transform

import witk
from witk.convert import (
    poly_data_from_native,
    poly_data_to_native,
    transform_from_native,
    transform_to_native,
)

P = witk.TransformParameterizations
EULER_PARAMETERS = [0.1, 0.2, 0.3, 4.0, 5.0, 6.0]
EULER_FIXED = [1.0, 2.0, 3.0, 0.0]  # the center, then ITK's ComputeZYX flag
AFFINE_PARAMETERS = [1.0, 0.1, 0.0, 0.0, 1.0, 0.0, 0.0, 0.2, 1.0, 1.0, 2.0, 3.0]
AFFINE_FIXED = [0.5, 0.5, 0.5]


def euler(dtype: str = "float64") -> witk.Transform:
    return witk.Transform(
        witk.TransformType(P.Euler3D, witk.FloatTypes(dtype)),
        numberOfFixedParameters=4,
        numberOfParameters=6,
        fixedParameters=np.array(EULER_FIXED),
        parameters=np.array(EULER_PARAMETERS, dtype),
    )


def affine() -> witk.Transform:
    return witk.Transform(
        witk.TransformType(P.Affine),
        numberOfFixedParameters=3,
        numberOfParameters=12,
        fixedParameters=np.array(AFFINE_FIXED),
        parameters=np.array(AFFINE_PARAMETERS),
    )


def composite() -> list[witk.Transform]:
    # ITK-Wasm's composite: the composite first, without parameters, then its transforms.
    return [witk.Transform(witk.TransformType(P.Composite)), euler(), affine()]


def assert_flat(array: Any, dtype: str, values: list[float]) -> None:
    assert isinstance(array, np.ndarray)
    assert array.dtype == np.dtype(dtype)
    assert array.ndim == 1 and array.flags.writeable and array.flags.c_contiguous
    np.testing.assert_array_equal(array, np.array(values, dtype))


def assert_euler(t: Any, dtype: str = "float64") -> None:
    assert isinstance(t, witk.Transform)
    tt = t.transformType
    assert isinstance(tt, witk.TransformType)
    assert tt.transformParameterization is P.Euler3D
    assert isinstance(tt.parametersValueType, witk.FloatTypes) and tt.parametersValueType.value == dtype
    assert (tt.inputDimension, tt.outputDimension) == (3, 3)
    assert (t.numberOfFixedParameters, t.numberOfParameters) == (4, 6)
    assert_flat(t.parameters, dtype, EULER_PARAMETERS)
    assert_flat(t.fixedParameters, "float64", EULER_FIXED)


@pytest.mark.parametrize("ext", [".tfm", ".txt", ".h5", ".mat", ".iwt.cbor", ".iwt.cbor.zst"])
def test_witk_transform_round_trips(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"t{ext}"
    assert write_transform([euler()], path) is None
    back = read_transform(path)
    assert isinstance(back, list) and len(back) == 1
    assert_euler(back[0])
    back[0].parameters[0] = 9  # writable: the caller owns the arrays
    assert back[0].transformType.transformParameterization == "Euler3D"  # a str Enum, as ITK-Wasm's


@pytest.mark.parametrize("ext", [".tfm", ".h5", ".iwt.cbor"])
def test_float32_parameters(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"f{ext}"
    write_transform([euler("float32")], path, float_parameters=True)
    if ext == ".tfm":
        assert "Euler3DTransform_float_3_3" in path.read_text()
    assert_euler(read_transform(path, float_parameters=True)[0], "float32")


def test_float64_read_as_float32(tmp_path: Path) -> None:
    write_transform([euler()], tmp_path / "d.h5")
    assert_euler(read_transform(tmp_path / "d.h5", float_parameters=True)[0], "float32")


# Without float_parameters, parameters are float64 whatever the file or the caller had
# (ITK-Wasm's readers, and the WIT's "the default is double").


@pytest.mark.parametrize("ext", [".tfm", ".h5", ".iwt.cbor"])
def test_float32_files_read_as_doubles_by_default(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"f{ext}"
    write_transform([euler("float32")], path, float_parameters=True)
    t = read_transform(path)[0]
    # Text is parsed as float64 ("0.1" is 0.1); binary float32 values widen exactly.
    expected = EULER_PARAMETERS if ext == ".tfm" else np.float32(EULER_PARAMETERS).astype(np.float64).tolist()
    assert t.transformType.parametersValueType.value == "float64"
    assert_flat(t.parameters, "float64", expected)


def test_float32_parameters_written_as_doubles_by_default(tmp_path: Path) -> None:
    write_transform([euler("float32")], tmp_path / "d.iwt.cbor")
    data = (tmp_path / "d.iwt.cbor").read_bytes()  # its transformType, as CBOR text
    assert b"float64" in data and b"float32" not in data


def test_itkwasm_transforms_are_accepted(tmp_path: Path) -> None:
    t = itkwasm.Transform(
        itkwasm.TransformType(itkwasm.TransformParameterizations.Euler3D, itkwasm.FloatTypes.Float64, 3, 3),
        numberOfFixedParameters=4,
        numberOfParameters=6,
        fixedParameters=np.array(EULER_FIXED),
        parameters=np.array(EULER_PARAMETERS),
    )
    write_transform([t], tmp_path / "t.iwt.cbor")
    assert_euler(read_transform(tmp_path / "t.iwt.cbor")[0])
    # What itkwasm-transform-io reads goes straight back into witk (enums as strings there).
    _, theirs = itkwasm_tio.hdf5_read_transform(_h5(tmp_path, [euler()]))
    assert theirs[0].transformType.transformParameterization == "Euler3D"
    write_transform(theirs, tmp_path / "again.tfm")
    assert_euler(read_transform(tmp_path / "again.tfm")[0])


def _h5(tmp_path: Path, transforms: list[Any]) -> Path:
    path = tmp_path / "src.h5"
    write_transform(transforms, path)
    return path


def test_dicts_and_lists_are_transforms_too(tmp_path: Path) -> None:
    fields = {
        "transformType": {"transformParameterization": "Translation", "inputDimension": 2, "outputDimension": 2},
        "numberOfParameters": 2,
        "name": "shift",
        "fixedParameters": [],
        "parameters": np.array([3.0, -4.5]),
    }
    write_transform([fields], tmp_path / "t.iwt.cbor")
    back = read_transform(tmp_path / "t.iwt.cbor")[0]
    assert back.name == "shift"
    assert back.transformType.transformParameterization is P.Translation
    assert back.transformType.inputDimension == 2
    assert_flat(back.parameters, "float64", [3.0, -4.5])
    assert_flat(back.fixedParameters, "float64", [])
    # Plain lists of numbers are parameters of the declared type.
    fields["parameters"] = [1, 2]
    write_transform([fields], tmp_path / "l.tfm")
    assert_flat(read_transform(tmp_path / "l.tfm")[0].parameters, "float64", [1.0, 2.0])


@pytest.mark.parametrize("ext", [".tfm", ".h5", ".iwt.cbor"])
def test_composite_lists(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"c{ext}"
    write_transform(composite(), path)
    back = read_transform(path)
    assert [t.transformType.transformParameterization for t in back] == [P.Composite, P.Euler3D, P.Affine]
    head = back[0]
    assert (head.numberOfParameters, head.numberOfFixedParameters) == (0, 0)
    assert_flat(head.parameters, "float64", [])
    assert_flat(head.fixedParameters, "float64", [])
    assert_euler(back[1])
    assert_flat(back[2].parameters, "float64", AFFINE_PARAMETERS)
    assert_flat(back[2].fixedParameters, "float64", AFFINE_FIXED)


def test_per_format_functions_return_could_read_and_the_transforms(tmp_path: Path) -> None:
    assert witk_transform_io.txt_write_transform([euler()], tmp_path / "t.tfm") is True
    assert witk_transform_io.hdf5_write_transform(composite(), tmp_path / "c.h5") is True
    assert witk_transform_io.wasm_zstd_write_transform([euler()], tmp_path / "t.iwt.cbor.zst") is True
    could, back = witk_transform_io.txt_read_transform(tmp_path / "t.tfm")
    assert could is True and isinstance(back, list)
    assert_euler(back[0])
    could, back = witk_transform_io.hdf5_read_transform(tmp_path / "c.h5")
    assert could and len(back) == 3
    assert witk_transform_io.txt_read_transform(tmp_path / "c.h5") == (False, None)
    assert witk_transform_io.mat_read_transform(tmp_path / "t.tfm") == (False, None)
    assert witk_transform_io.wasm_read_transform(tmp_path / "t.iwt.cbor.zst") == (False, None)
    could, back = witk_transform_io.wasm_zstd_read_transform(tmp_path / "t.iwt.cbor.zst")
    assert could
    assert_euler(back[0])


def test_native_dicts_round_trip_without_the_component() -> None:
    t = euler("float32")
    d = transform_to_native(t)
    assert d["transform_type"] == {
        "transform_parameterization": "Euler3D",
        "parameters_value_type": "float32",
        "input_dimension": 3,
        "output_dimension": 3,
    }
    assert bytes(d["parameters"]) == np.array(EULER_PARAMETERS, np.float32).tobytes()
    assert bytes(d["fixed_parameters"]) == np.array(EULER_FIXED).tobytes()
    # A composite's parameters may be None (the dataclasses' default): empty buffers.
    head = transform_to_native(witk.Transform(witk.TransformType(P.Composite)))
    assert bytes(head["parameters"]) == bytes(head["fixed_parameters"]) == b""
    # As the host gives them back: bytearrays.
    for key in ("parameters", "fixed_parameters"):
        d[key] = bytearray(d[key])
    assert_euler(transform_from_native(d), "float32")


def test_a_wrong_dtype_is_a_type_error_naming_the_field(tmp_path: Path) -> None:
    t = euler()
    t.parameters = t.parameters.astype(np.float32)
    with pytest.raises(
        TypeError, match=r"Transform\.parameters is float32 but its transformType\.parametersValueType says float64"
    ):
        write_transform([t], tmp_path / "t.tfm")
    t = euler("float32")
    t.parameters = t.parameters.astype(np.float64)
    with pytest.raises(TypeError, match=r"Transform\.parameters is float64 .* says float32"):
        write_transform([affine(), t], tmp_path / "t.h5")
    t = euler()
    t.fixedParameters = np.array(EULER_FIXED, np.float32)
    with pytest.raises(TypeError, match=r"Transform\.fixedParameters is float32 but the Transform record .* float64"):
        witk_transform_io.txt_write_transform([t], tmp_path / "t.tfm")
    with pytest.raises(ValueError, match="unknown transform parameterization 'Euler4D'"):
        witk.TransformType("Euler4D")
    assert not list(tmp_path.iterdir())


def test_component_errors_are_typed(tmp_path: Path) -> None:
    t = euler()
    t.numberOfParameters = 5
    with pytest.raises(witk.InvalidArgumentError, match="numberOfParameters"):
        write_transform([t], tmp_path / "t.tfm")
    with pytest.raises(witk.InvalidArgumentError, match="empty transform list"):
        write_transform([], tmp_path / "t.tfm")
    integers = witk.Transform(
        witk.TransformType(P.Translation, "int32"), numberOfParameters=3, parameters=np.zeros(3, np.int32)
    )
    with pytest.raises(witk.InvalidArgumentError, match="float32 or float64"):
        write_transform([integers], tmp_path / "t.tfm")
    two_d = witk.Transform(
        witk.TransformType(P.Affine, inputDimension=2, outputDimension=2),
        numberOfFixedParameters=2,
        numberOfParameters=6,
        fixedParameters=[0.0, 0.0],
        parameters=np.array([1.0, 0, 0, 1, 0, 0]),
    )
    with pytest.raises(witk.UnsupportedError, match="MINC"):
        witk_transform_io.mnc_write_transform([two_d], tmp_path / "t.xfm")
    (tmp_path / "g.tfm").write_text("garbage\n")
    with pytest.raises(witk.InvalidDataError) as e:
        read_transform(tmp_path / "g.tfm")
    assert isinstance(e.value, witk.PipelineError)
    assert str(e.value).startswith("read-transform: ")
    with pytest.raises(FileNotFoundError):
        read_transform(tmp_path / "none.tfm")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.tfm"]
    # The pipeline still works after the failures.
    write_transform([euler()], tmp_path / "t.tfm")
    assert_euler(read_transform(tmp_path / "t.tfm")[0])


def square_poly_data() -> witk.PolyData:
    return witk.PolyData(
        numberOfPoints=4,
        points=np.array([0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0], np.float32),
        polygonsBufferSize=5,
        polygons=np.array([4, 0, 1, 2, 3], np.uint32),
        numberOfPointPixels=4,
        pointData=np.array([1, 2, 3, 4], np.float32),
        metadata={"units": "mm"},
    )


def test_poly_data_native_dicts_round_trip_without_the_component() -> None:
    pd = square_poly_data()
    d = poly_data_to_native(pd)
    assert d["poly_data_type"]["point_pixel_type"] == "scalar"
    assert d["vertices"] is None and d["cell_data"] is None
    assert d["metadata"] == [("units", "mm")]  # strings as they are, other values as JSON
    for key in ("points", "polygons", "point_data"):
        d[key] = bytearray(d[key])
    back = poly_data_from_native(d)
    assert isinstance(back, witk.PolyData) and isinstance(back.polyDataType, witk.PolyDataType)
    assert back.polyDataType.pointPixelType is witk.PixelTypes.Scalar
    assert_flat(back.points, "float32", pd.points.tolist())
    assert_flat(back.polygons, "uint32", [4, 0, 1, 2, 3])
    assert_flat(back.pointData, "float32", [1, 2, 3, 4])
    assert back.vertices is None and back.metadata == {"units": "mm"}
    # itkwasm's PolyData (and its default: no points) converts the same way.
    empty = poly_data_to_native(itkwasm.PolyData())
    assert bytes(empty["points"]) == b"" and empty["name"] == "PolyData"


def test_poly_data_dtypes_are_checked() -> None:
    pd = square_poly_data()
    pd.points = pd.points.astype(np.float64)
    with pytest.raises(TypeError, match=r"PolyData\.points is float64 but the PolyData record .* says float32"):
        poly_data_to_native(pd)
    pd = square_poly_data()
    pd.polygons = pd.polygons.astype(np.int64)
    with pytest.raises(TypeError, match=r"PolyData\.polygons is int64"):
        poly_data_to_native(pd)
    pd = square_poly_data()
    pd.polyDataType.pointPixelComponentType = witk.IntTypes.UInt8
    with pytest.raises(TypeError, match=r"PolyData\.pointData is float32 .*pointPixelComponentType says uint8"):
        poly_data_to_native(pd)
