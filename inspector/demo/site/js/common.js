(function(){var d=new Date(),w=["日","一","二","三","四","五","六"];
var el=document.getElementById("today");if(el){el.innerHTML="今天是"+d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日 星期"+w[d.getDay()];}})();
function addFavorite(){try{window.external.addFavorite(location.href,document.title);}catch(e){alert("请使用Ctrl+D加入收藏");}}
function doZoom(size){var z=document.getElementById("zoom");if(z){z.style.fontSize=size+"px";}}
