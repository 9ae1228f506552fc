/* Vietnamese for plotly.js: the modebar's titles, its notices and date and number formats.
 * Written for ictplan (plotly's Python package ships no locale files); the English keys are the
 * strings plotly.js 4.1 passes to its translator. Load after plotly.js, before charts.js. */
(function () {
  "use strict";
  if (typeof Plotly === "undefined") { return; }
  Plotly.register({
    moduleType: "locale",
    name: "vi",
    dictionary: {
      "Autoscale": "Tự động co giãn",
      "Box Select": "Chọn theo hộp",
      "Click to enter Colorscale title": "Bấm để nhập tiêu đề thang màu",
      "Click to enter Plot subtitle": "Bấm để nhập phụ đề biểu đồ",
      "Click to enter Plot title": "Bấm để nhập tiêu đề biểu đồ",
      "Click to enter X axis title": "Bấm để nhập tiêu đề trục X",
      "Click to enter Y axis title": "Bấm để nhập tiêu đề trục Y",
      "Compare data on hover": "So sánh dữ liệu khi di chuột",
      "Double-click on legend to isolate one trace": "Bấm đúp vào chú giải để chỉ xem một chuỗi",
      "Double-click to zoom back out": "Bấm đúp để thu nhỏ lại",
      "Download plot": "Tải biểu đồ",
      "Download plot as a PNG": "Tải biểu đồ dạng PNG",
      "Download plot as JSON": "Tải biểu đồ dạng JSON",
      "Draw circle": "Vẽ hình tròn",
      "Draw closed freeform": "Vẽ hình khép kín",
      "Draw line": "Vẽ đường thẳng",
      "Draw open freeform": "Vẽ đường tự do",
      "Draw rectangle": "Vẽ hình chữ nhật",
      "Erase active shape": "Xoá hình đang chọn",
      "Image download succeeded": "Đã tải ảnh xong",
      "JSON download succeeded": "Đã tải JSON xong",
      "Lasso Select": "Chọn tự do",
      "Orbital rotation": "Xoay quỹ đạo",
      "Pan": "Kéo",
      "Preparing image - this may take a few seconds": "Đang chuẩn bị ảnh, xin chờ vài giây",
      "Produced with Plotly.js": "Vẽ bằng Plotly.js",
      "Reset": "Đặt lại",
      "Reset axes": "Đặt lại trục",
      "Reset camera to default": "Đặt lại góc nhìn mặc định",
      "Reset camera to last save": "Đặt lại góc nhìn đã lưu",
      "Reset view": "Đặt lại khung nhìn",
      "Reset views": "Đặt lại các khung nhìn",
      "Show closest data on hover": "Hiện dữ liệu gần nhất khi di chuột",
      "Sorry, there was a problem downloading your JSON file!": "Không tải được tệp JSON.",
      "Sorry, there was a problem downloading your image!": "Không tải được ảnh.",
      "Toggle Spike Lines": "Bật/tắt đường gióng",
      "Toggle show closest data on hover": "Bật/tắt hiện dữ liệu gần nhất khi di chuột",
      "Turntable rotation": "Xoay bàn xoay",
      "Zoom": "Phóng to",
      "Zoom in": "Phóng to một bậc",
      "Zoom out": "Thu nhỏ một bậc",
      "close:": "đóng cửa:",
      "high:": "cao nhất:",
      "low:": "thấp nhất:",
      "lower fence:": "rào dưới:",
      "max:": "lớn nhất:",
      "mean:": "trung bình:",
      "median:": "trung vị:",
      "min:": "nhỏ nhất:",
      "new text": "chữ mới",
      "open:": "mở cửa:",
      "trace": "chuỗi",
      "upper fence:": "rào trên:"
    },
    format: {
      days: ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
      shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
      months: [
        "Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6",
        "Tháng 7", "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"
      ],
      shortMonths: [
        "Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"
      ],
      periods: ["SA", "CH"],
      dateTime: "%a, %d/%m/%Y %X",
      date: "%d/%m/%Y",
      time: "%H:%M:%S",
      decimal: ",",
      thousands: ".",
      grouping: [3],
      currency: ["", " ₫"],
      year: "%Y",
      month: "%m/%Y",
      dayMonth: "%-d/%-m",
      dayMonthYear: "%-d/%-m/%Y"
    }
  });
})();
